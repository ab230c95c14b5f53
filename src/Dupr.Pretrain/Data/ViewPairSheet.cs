using Dupr.Core.Data;
using Dupr.Core.Imaging;
using Dupr.Core.Runtime;
using Dupr.Pretrain.Geometry;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Data;

/// <summary>
/// A contact sheet of pre-training views, to see what the augmentation gives the model: one row per image with the
/// original (stretched to the view size, both crop windows outlined), view 1 and view 2, the views' shared region
/// (the patch Re-ID box) outlined in each view.
/// </summary>
public static class ViewPairSheet
{
    const int Gap = 4;
    static readonly byte[] First = [255, 64, 64], Second = [64, 160, 255], Shared = [255, 220, 0];

    /// <summary>
    /// Writes the sheet of the first <paramref name="count"/> images of epoch 0 of a loader over <paramref name="folder"/>
    /// shuffled by <paramref name="seed"/>, each with the two views <paramref name="options"/>' augmentation makes of it, as
    /// an image file at <paramref name="output"/> (what `dupr data views` shows); returns how many rows it has.
    /// </summary>
    public static int Write(UnlabeledImageFolder folder, ViewAugmentationOptions options, int count, long seed, string output)
    {
        var dataset = new TwoViewDataset(folder, new ViewTransform(options));
        var loader = new DataLoader<TwoViewSample, TwoViewBatch>(dataset, TwoViewBatch.Collate, new DataLoaderOptions { Shuffle = true, Seed = seed });
        using var scope = NewDisposeScope();
        var rows = loader.Order(0).Take(count).Select(i => (folder.Load(i), dataset.Get(i, SampleRng.For(seed, 0, i)))).ToList();
        ImageEncoder.Save(Render(rows, options), output);
        return rows.Count;
    }

    /// <summary>The sheet of <paramref name="samples"/> as a uint8 image [3, H, W]; <paramref name="options"/> undo the normalisation.</summary>
    public static Tensor Render(IReadOnlyList<(Tensor Image, TwoViewSample Sample)> samples, ViewAugmentationOptions options)
    {
        using var scope = NewDisposeScope();
        int size = options.Size;
        var sheet = full(3, samples.Count * (size + Gap) - Gap, 3 * (size + Gap) - Gap, S((byte)255), ScalarType.Byte);
        for (int row = 0; row < samples.Count; row++)
        {
            var (image, sample) = samples[row];
            int top = row * (size + Gap);
            var frames = new[] { sample.First, sample.Second }.Select(v => new ViewFrame(
                new Box(v.Box.X1, v.Box.Y1, v.Box.X2, v.Box.Y2), size, size, v.Flipped)).ToArray();
            var original = ImageTensor.ToUInt8(ImageGeometry.Resize(ImageTensor.ToFloat(image), size, size)).clone();
            double sx = (double)size / sample.Width, sy = (double)size / sample.Height;
            foreach (var (crop, colour) in new[] { (frames[0].Crop, First), (frames[1].Crop, Second) })
                Outline(original, new Box(crop.X1 * sx, crop.Y1 * sy, crop.X2 * sx, crop.Y2 * sy), colour);
            sheet[.., top..(top + size), 0..size] = original;

            Box? shared = ViewGeometry.Intersection(frames[0].Crop, frames[1].Crop);
            for (int v = 0; v < 2; v++)
            {
                var pixels = (v == 0 ? sample.First : sample.Second).Pixels.clone();
                if (shared is Box b) Outline(pixels, ViewGeometry.ToView(b, frames[v]), Shared);
                int left = (v + 1) * (size + Gap);
                sheet[.., top..(top + size), left..(left + size)] = pixels;
            }
        }
        return sheet.MoveToOuterDisposeScope();
    }

    // A one-pixel outline of box b (pixel edges) drawn into a uint8 [3, H, W] image, clipped to it.
    static void Outline(Tensor image, Box b, byte[] colour)
    {
        int height = (int)image.shape[1], width = (int)image.shape[2];
        int x1 = Math.Clamp((int)Math.Floor(b.X1), 0, width - 1), x2 = Math.Clamp((int)Math.Ceiling(b.X2) - 1, 0, width - 1);
        int y1 = Math.Clamp((int)Math.Floor(b.Y1), 0, height - 1), y2 = Math.Clamp((int)Math.Ceiling(b.Y2) - 1, 0, height - 1);
        for (int c = 0; c < 3; c++)
        {
            var channel = image[c];
            channel[y1, x1..(x2 + 1)] = colour[c];
            channel[y2, x1..(x2 + 1)] = colour[c];
            channel[y1..(y2 + 1), x1] = colour[c];
            channel[y1..(y2 + 1), x2] = colour[c];
        }
    }
}
