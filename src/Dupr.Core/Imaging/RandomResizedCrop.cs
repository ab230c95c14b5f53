using Dupr.Core.Runtime;

namespace Dupr.Core.Imaging;

/// <summary>torchvision's RandomResizedCrop window choice: 10 tries at a random area and log-uniform aspect ratio, then a centre-crop fallback.</summary>
public static class RandomResizedCrop
{
    /// <summary>The window of a <paramref name="width"/> x <paramref name="height"/> image (torchvision get_params).</summary>
    /// <param name="scale">Range of the window's area as a fraction of the image's, e.g. (0.2, 1).</param>
    /// <param name="ratio">Range of the window's width / height, e.g. (3/4, 4/3); drawn log-uniformly.</param>
    public static CropBox Sample(SampleRng rng, int width, int height, (double Min, double Max) scale, (double Min, double Max) ratio)
    {
        double area = (double)width * height;
        double logMin = Math.Log(ratio.Min), logMax = Math.Log(ratio.Max);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double targetArea = area * rng.Uniform(scale.Min, scale.Max);
            double aspect = Math.Exp(rng.Uniform(logMin, logMax));
            // Python's round() rounds half to even, as does Math.Round's default.
            int w = (int)Math.Round(Math.Sqrt(targetArea * aspect));
            int h = (int)Math.Round(Math.Sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                int top = rng.NextInt(height - h + 1);
                int left = rng.NextInt(width - w + 1);
                return new CropBox(left, top, w, h);
            }
        }
        double inRatio = (double)width / height;
        int cropWidth, cropHeight;
        if (inRatio < Math.Min(ratio.Min, ratio.Max))
        {
            cropWidth = width;
            cropHeight = (int)Math.Round(cropWidth / Math.Min(ratio.Min, ratio.Max));
        }
        else if (inRatio > Math.Max(ratio.Min, ratio.Max))
        {
            cropHeight = height;
            cropWidth = (int)Math.Round(cropHeight * Math.Max(ratio.Min, ratio.Max));
        }
        else
        {
            cropWidth = width;
            cropHeight = height;
        }
        return new CropBox((width - cropWidth) / 2, (height - cropHeight) / 2, cropWidth, cropHeight);
    }
}
