using Dupr.Core.Checkpoints;
using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Datasets;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Data.Voc;
using Dupr.Detection.Modeling.MetaArch;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Detection.Training;

/// <summary>Runs a fine-tuned detector over the test image sets and writes VOC results files for `dupr evaluate voc`.</summary>
public static class DetectionInference
{
    /// <summary>
    /// Detects on the config's test sets of <paramref name="data"/> with the weights <paramref name="weights"/> (model_final.dat or a
    /// checkpoint's model.dat) and writes comp4_det_test_&lt;class&gt;.txt into <paramref name="output"/>; returns (images, images/s).
    /// </summary>
    public static (int Images, double ImagesPerSecond) Run(DetectionConfig config, string weights, string data, string output, Device device,
                                                           int batchSize = 4, CancellationToken cancellation = default)
    {
        config.Validate();
        var classNames = DetectionTrainer.ClassNames(config);
        var dataset = new VocDetectionDataset(DetectionTrainer.Devkit(data), DatasetSection.ParseSets(config.Datasets.Test, "datasets.test"),
            DetectionAugmentation.ForTest(config.Input), DetectionDatasetOptions.Evaluation, classNames);
        var loader = new DataLoader<DetectionSample, DetectionBatch>(dataset,
            samples => DetectionBatch.Collate(samples, config.Input.SizeDivisibility),
            new DataLoaderOptions { BatchSize = batchSize, Workers = config.Train.Workers, Shuffle = false });
        using var model = DetectorFactory.Create(config);
        ModuleCheckpoint.Load(model, weights);
        model.to(device);
        model.eval();

        var results = new List<(string, int, double, float[])>();
        var progress = new Progress("infer", dataset.Count, "img");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int done = 0;
        foreach (DetectionBatch batch in loader.Epoch(0, 0, cancellation))
        {
            using var _ = batch;
            using var scope = NewDisposeScope();
            var input = device.type == DeviceType.CPU ? batch
                : DetectionBatch.Collate(batch.Samples.Select(s => s with { Image = s.Image.to(device) }).ToList(), config.Input.SizeDivisibility);
            var detections = model.Inference(input);
            for (int i = 0; i < detections.Length; i++)
            {
                // VOC results name images by their file stem (the devkit's image id).
                string imageId = Path.GetFileNameWithoutExtension(batch.Samples[i].FileName)
                                 ?? throw new DuprException($"image {batch.Samples[i].ImageId} has no file name");
                // TorchSharp's ToArray throws on an empty tensor.
                if (detections[i].Count == 0) continue;
                var boxes = detections[i].Boxes.cpu().contiguous().data<float>().ToArray();
                var scores = detections[i].Scores.cpu().contiguous().data<float>().ToArray();
                var classes = detections[i].Classes.cpu().contiguous().data<long>().ToArray();
                for (int k = 0; k < scores.Length; k++) results.Add((imageId, (int)classes[k], scores[k], boxes[(4 * k)..(4 * k + 4)]));
            }
            done += detections.Length;
            progress.Report(done);
        }
        VocResultsWriter.Write(output, classNames, results);
        return (done, done / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
    }
}
