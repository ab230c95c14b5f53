using Dupr.Core.Data;
using Dupr.Core.Runtime;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Data;

/// <summary>The pre-training dataset: each unlabeled image decoded and turned into two augmented views.</summary>
public sealed class TwoViewDataset : IDataset<TwoViewSample>
{
    readonly UnlabeledImageFolder _images;
    readonly ViewTransform _transform;

    /// <summary>Views of the images in <paramref name="images"/>, made by <paramref name="transform"/>.</summary>
    public TwoViewDataset(UnlabeledImageFolder images, ViewTransform transform)
    {
        _images = images;
        _transform = transform;
    }

    public int Count => _images.Count;

    /// <summary>Decodes image <paramref name="index"/> and makes its two views from independent child streams of <paramref name="rng"/>.</summary>
    public TwoViewSample Get(int index, SampleRng rng)
    {
        using var scope = NewDisposeScope();
        Tensor image = _images.Load(index);
        var sample = new TwoViewSample(_transform.Apply(image, rng.Fork(1)), _transform.Apply(image, rng.Fork(2)),
            index, (int)image.shape[1], (int)image.shape[2]);
        scope.MoveToOuter(sample.First.Pixels, sample.Second.Pixels);
        return sample;
    }
}
