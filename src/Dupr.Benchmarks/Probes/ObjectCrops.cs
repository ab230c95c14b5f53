using Dupr.Core.Imaging;
using Dupr.Detection.Data.Datasets;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Probes;

/// <summary>One labeled object of a detection set: its image record, its box index there, its class.</summary>
public readonly record struct LabeledObject(DetectionRecord Record, int Instance, long Class);

/// <summary>
/// The labeled objects of a detection set as classification samples (the crops kNN and linear probes classify): each
/// box widened by a context margin on every side, clipped to the image, resized to a square and normalised as in
/// pre-training. Difficult VOC objects are left out, as VOC evaluation leaves them out.
/// </summary>
public sealed class ObjectCrops(IReadOnlyList<LabeledObject> objects, int size, double context)
{
    /// <summary>The objects, in record order then box order.</summary>
    public IReadOnlyList<LabeledObject> Objects { get; } = objects;

    /// <summary>Every object's class, in <see cref="Objects"/> order.</summary>
    public long[] Labels => Objects.Select(o => o.Class).ToArray();

    /// <summary>
    /// The non-difficult objects of <paramref name="records"/>; at most <paramref name="maxObjects"/> of them (0: all), an even
    /// subsample in order so that a capped set still spans the whole dataset.
    /// </summary>
    public static ObjectCrops From(IReadOnlyList<DetectionRecord> records, int size = 64, double context = 0.1, int maxObjects = 0)
    {
        var objects = new List<LabeledObject>();
        foreach (DetectionRecord record in records)
            for (int i = 0; i < record.Count; i++)
                if (record.Difficult?[i] != true && record.Boxes[4 * i + 2] > record.Boxes[4 * i] && record.Boxes[4 * i + 3] > record.Boxes[4 * i + 1])
                    objects.Add(new LabeledObject(record, i, record.Classes[i]));
        if (maxObjects > 0 && objects.Count > maxObjects)
            objects = Enumerable.Range(0, maxObjects).Select(k => objects[(int)((long)k * objects.Count / maxObjects)]).ToList();
        return new ObjectCrops(objects, size, context);
    }

    /// <summary>The crops in batches of about <paramref name="batchSize"/> objects ([B, 3, size, size], normalised), each image decoded once.</summary>
    public IEnumerable<Tensor> Batches(int batchSize)
    {
        int start = 0;
        while (start < Objects.Count)
        {
            int end = Math.Min(Objects.Count, start + batchSize);
            // Keep an image's objects together so that it is decoded once.
            while (end < Objects.Count && ReferenceEquals(Objects[end].Record, Objects[end - 1].Record)) end++;
            yield return Crop(start, end);
            start = end;
        }
    }

    Tensor Crop(int start, int end)
    {
        using var scope = NewDisposeScope();
        var crops = new Tensor[end - start];
        Tensor? image = null;
        DetectionRecord? decoded = null;
        for (int k = start; k < end; k++)
        {
            var (record, i, _) = Objects[k];
            if (!ReferenceEquals(record, decoded))
            {
                image = ImageTensor.ToFloat(ImageDecoder.Decode(record.FilePath));
                decoded = record;
            }
            int height = (int)image!.shape[1], width = (int)image.shape[2];
            double x1 = record.Boxes[4 * i], y1 = record.Boxes[4 * i + 1], x2 = record.Boxes[4 * i + 2], y2 = record.Boxes[4 * i + 3];
            double mx = context * (x2 - x1), my = context * (y2 - y1);
            int left = Math.Clamp((int)Math.Floor(x1 - mx), 0, width - 1), top = Math.Clamp((int)Math.Floor(y1 - my), 0, height - 1);
            int right = Math.Clamp((int)Math.Ceiling(x2 + mx), left + 1, width), bottom = Math.Clamp((int)Math.Ceiling(y2 + my), top + 1, height);
            crops[k - start] = ImageGeometry.Resize(ImageGeometry.Crop(image, top, left, bottom - top, right - left), size, size);
        }
        var batch = ImageTensor.Normalize(stack(crops), ImageTensor.ImageNetMean, ImageTensor.ImageNetStd);
        return batch.MoveToOuterDisposeScope();
    }
}
