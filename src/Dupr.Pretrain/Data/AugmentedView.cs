using Dupr.Core.Imaging;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Data;

/// <summary>
/// One augmented view of an image: uint8 pixels [3, S, S] (<see cref="ViewTransform.ModelInput"/> normalises them) and where
/// they came from: the crop window in original-image pixels (after EXIF orientation) and whether the view was mirrored.
/// </summary>
/// <remarks>
/// View column u (0-based, continuous coordinate u in [0, S)) shows original x = Box.X1 + u * Box.Width / S,
/// or, when <see cref="Flipped"/>, x = Box.X2 - u * Box.Width / S; rows map to y the same way without the
/// flip. The photometric augmentations (jitter, grayscale, blur, RandAugment's photometric ops) never
/// move pixels, so this mapping is exact (the tests' ViewMapping checks it point by point on real views).
/// </remarks>
public sealed record AugmentedView(Tensor Pixels, CropBox Box, bool Flipped) : IDisposable
{
    public void Dispose() => Pixels.Dispose();
}
