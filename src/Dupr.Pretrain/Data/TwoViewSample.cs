namespace Dupr.Pretrain.Data;

/// <summary>Two independently augmented views of one unlabeled image, with their crop boxes and flips.</summary>
/// <param name="Index">The image's index in the dataset.</param>
/// <param name="Height">Original image height (after EXIF orientation), the frame of the boxes.</param>
/// <param name="Width">Original image width.</param>
public sealed record TwoViewSample(AugmentedView First, AugmentedView Second, int Index, int Height, int Width) : IDisposable
{
    public void Dispose()
    {
        First.Dispose();
        Second.Dispose();
    }
}
