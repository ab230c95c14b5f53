using Dupr.Core.Imaging;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Data;

/// <summary>Unlabeled images for pre-training: every JPEG/PNG under a folder tree (ImageNet train layout or flat), class folders ignored.</summary>
public sealed class UnlabeledImageFolder
{
    readonly ImageFileIndex _index;

    /// <summary>The images under <paramref name="root"/>, listed through the cached <see cref="ImageFileIndex"/>.</summary>
    public UnlabeledImageFolder(string root, string? cacheDirectory = null) => _index = ImageFileIndex.Load(root, cacheDirectory);

    /// <summary>The folder, as a full path.</summary>
    public string Root => _index.Root;

    /// <summary>Number of images.</summary>
    public int Count => _index.Files.Count;

    /// <summary>Full path of image <paramref name="index"/>.</summary>
    public string PathOf(int index) => Path.Combine(Root, _index.Files[index]);

    /// <summary>Decodes image <paramref name="index"/> to uint8 RGB [3, H, W]; a bad file raises a DataFileException naming it.</summary>
    public Tensor Load(int index) => ImageDecoder.Decode(PathOf(index));
}
