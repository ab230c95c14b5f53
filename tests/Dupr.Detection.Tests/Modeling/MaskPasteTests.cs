using Dupr.Detection.Modeling;
using Dupr.Detection.Modeling.MetaArch;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling;

/// <summary>detectron2's paste_masks_in_image (CPU path) against values worked out by hand from grid_sample's bilinear, zero-padded, align_corners=False sampling.</summary>
public class MaskPasteTests
{
    static float[,] Plane(Tensor t)
    {
        var values = t.to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        int h = (int)t.size(-2), w = (int)t.size(-1);
        var plane = new float[h, w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) plane[y, x] = values[y * w + x];
        return plane;
    }

    [Fact]
    public void BoxCoveringTheImageSamplesTheMaskBilinearly()
    {
        using var scope = NewDisposeScope();
        // A 2x2 mask over a 4x4 box: image pixel centres 0.5..3.5 land on mask coordinates -0.25, 0.25, 0.75, 1.25,
        // so only the top-left mask cell (value 1) contributes with weights 0.75 / 0.75 / 0.25 / 0 per axis.
        var mask = tensor(new float[] { 1, 0, 0, 0 }).view(1, 1, 2, 2);
        var box = tensor(new float[] { 0, 0, 4, 4 }).view(1, 4);
        var p = Plane(MaskPaste.Probabilities(mask, box, (4, 4))[0]);
        float[] axis = [0.75f, 0.75f, 0.25f, 0];
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++) Assert.Equal(axis[y] * axis[x], p[y, x], 6);
        var binary = MaskPaste.Paste(mask, box, (4, 4));
        Assert.Equal(ScalarType.Byte, binary.dtype);
        Assert.Equal([1L, 4, 4], binary.shape);
        var b = Plane(binary);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++) Assert.Equal(y < 2 && x < 2 ? 1 : 0, b[y, x]);
    }

    [Fact]
    public void BoxPartlyOutsideTheImageKeepsItsScale()
    {
        using var scope = NewDisposeScope();
        // Box (-2, -2)..(2, 2), a mask of ones: pixel centres 0.5, 1.5, 2.5 map to mask coordinates 0.75, 1.25, 1.75;
        // column 3 is beyond the one-pixel margin (ceil(2) + 1) and stays 0.
        var mask = ones(1, 2, 2);
        var box = tensor(new float[] { -2, -2, 2, 2 }).view(1, 4);
        var p = Plane(MaskPaste.Probabilities(mask, box, (4, 4))[0]);
        float[] axis = [1, 0.75f, 0.25f, 0];
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++) Assert.Equal(axis[y] * axis[x], p[y, x], 6);
        var b = Plane(MaskPaste.Paste(mask, box, (4, 4)));
        Assert.Equal(4, Enumerable.Range(0, 16).Count(i => b[i / 4, i % 4] == 1));
        Assert.Equal(1, b[1, 1]);   // 0.75 * 0.75 = 0.5625 >= 0.5
    }

    [Fact]
    public void TinyBoxesPasteAtMostThePixelWhoseCentreTheyHold()
    {
        using var scope = NewDisposeScope();
        var mask = ones(2, 28, 28);
        // The first box holds the centre (1.5, 1.5) of pixel (1, 1); the second, 0.2 px wide, holds no pixel centre.
        var boxes = tensor(new float[] { 1.4f, 1.4f, 1.6f, 1.6f, 1.2f, 1.2f, 1.4f, 1.4f }).view(2, 4);
        var pasted = MaskPaste.Paste(mask, boxes, (4, 5));
        Assert.Equal([2L, 4, 5], pasted.shape);
        var first = Plane(pasted[0]);
        Assert.Equal(1, first[1, 1]);
        Assert.Equal(1, pasted[0].sum().item<long>());
        Assert.Equal(0, pasted[1].sum().item<long>());
    }

    [Fact]
    public void NoMasksGiveAnEmptyImageStack()
    {
        using var scope = NewDisposeScope();
        var pasted = MaskPaste.Paste(zeros(0, 1, 28, 28), zeros(0, 4), (6, 7));
        Assert.Equal([0L, 6, 7], pasted.shape);
    }

    [Fact]
    public void PostprocessPastesMasksIntoTheRescaledBoxesAndDropsEmptyOnes()
    {
        using var scope = NewDisposeScope();
        // Input 4x4 -> original 8x8: the first box doubles to cover the image; the second lies outside and is dropped.
        var detections = new Detections(tensor(new float[] { 0, 0, 4, 4, 5, 5, 6, 6 }).view(2, 4), tensor(new float[] { 0.9f, 0.8f }), tensor(new long[] { 0, 1 }))
        {
            Masks = ones(2, 1, 14, 14),
        };
        using var result = DetectorPostprocess.Rescale(detections, (4, 4), (8, 8));
        Assert.Equal(1, result.Count);
        Assert.Equal([1L, 8, 8], result.Masks!.shape);
        Assert.Equal(64, result.Masks.sum().item<long>());
    }
}
