using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Modeling.MetaArch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Detection.Training;

/// <summary>
/// The evaluations of a fine-tuning run on its test set, every train.eval_period iterations and at the end: each writes
/// eval/iter_NNNNNNN/metrics.json, a row of eval.csv (AP, AP50, AP75 in percent, segm_* for mask detectors) and TensorBoard
/// scalars eval/*; the final one also writes metrics.json and its results files (inference/) into the run directory.
/// </summary>
public sealed class TrainingEvaluation
{
    /// <summary>The AP-per-iteration table in the run directory.</summary>
    public const string CsvName = "eval.csv";

    /// <summary>The folder of the final evaluation's results files (COCO results JSON or VOC per-class files).</summary>
    public const string ResultsFolder = "inference";

    readonly RunDirectory _run;
    readonly DetectionTestSet _set;
    readonly MetricsCsv _csv;
    readonly SummaryWriter _board;
    readonly Device _device;
    readonly int _workers;

    /// <summary>Evaluations of <paramref name="run"/> on <paramref name="set"/>; eval.csv keeps the rows up to <paramref name="resumeIteration"/>.</summary>
    public TrainingEvaluation(RunDirectory run, DetectionTestSet set, long resumeIteration, SummaryWriter board, Device device, int workers)
    {
        _run = run;
        _set = set;
        _csv = new MetricsCsv(run.PathOf(CsvName), resumeIteration);
        _board = board;
        _device = device;
        _workers = workers;
    }

    /// <summary>Whether eval.csv holds the evaluation after <paramref name="iteration"/> steps (its row is written after its metrics.json).</summary>
    public bool Recorded(long iteration)
    {
        string path = _run.PathOf(CsvName);
        return File.Exists(path) && MetricsCsv.Read(path).Any(row => row["iteration"] == iteration);
    }

    /// <summary>The folder of the evaluation after <paramref name="iteration"/> steps, relative to the run directory.</summary>
    public static string FolderOf(long iteration) => Path.Combine("eval", $"iter_{iteration:D7}");

    /// <summary>Evaluates <paramref name="model"/> after <paramref name="iteration"/> steps and records it; <paramref name="final"/>: the run's last one.</summary>
    public DetectionMetrics Evaluate(Detector model, long iteration, bool final, CancellationToken cancellation)
    {
        DetectionResults results = _set.NewResults();
        DetectionInference.Predict(model, _set, results, _device, DetectionInference.DefaultBatchSize, _workers, cancellation);
        DetectionMetrics metrics = results.Evaluate();
        string folder = _run.PathOf(FolderOf(iteration));
        OutputFolder.Create(folder);
        metrics.Write(Path.Combine(folder, DetectionMetrics.FileName), iteration);
        _csv.Append(iteration, metrics.Columns());
        foreach (var (name, value) in metrics.Columns()) _board.add_scalar($"eval/{name}", (float)value, (int)iteration);
        if (final)
        {
            // Only the final results are kept: COCO results of a paper-scale test set take tens of megabytes per evaluation.
            results.Write(_run.PathOf(ResultsFolder));
            metrics.Write(_run.PathOf(DetectionMetrics.FileName), iteration);
        }
        Log.Info($"evaluation at iteration {iteration} on {_set.Description}: {string.Join("; ", metrics.SummaryLines())}");
        return metrics;
    }
}
