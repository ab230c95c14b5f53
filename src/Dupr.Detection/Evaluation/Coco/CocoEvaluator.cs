using Dupr.Core.Runtime;
using Dupr.Detection.Data.Coco;

namespace Dupr.Detection.Evaluation.Coco;

/// <summary>
/// COCO detection evaluation with pycocotools COCOeval semantics (evaluate, accumulate, summarize), parallel over
/// (image, category) cells and then over categories. Give it the parsed ground truth and results.
/// </summary>
public static class CocoEvaluator
{
    /// <summary>
    /// Evaluates <paramref name="results"/> against <paramref name="groundTruth"/> by <paramref name="iouType"/>;
    /// uses up to <paramref name="maxThreads"/> threads (null: all cores). Invalid entries are DuprExceptions naming them.
    /// </summary>
    public static CocoEvalResult Evaluate(CocoDataset groundTruth, CocoResults results, CocoIouType iouType, int? maxThreads = null)
    {
        CocoEvalParams p = CocoEvalParams.Default;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxThreads ?? Environment.ProcessorCount };
        var data = new CocoEvalData(groundTruth, results, iouType, parallel);
        int images = data.ImageCount, categories = data.CategoryCount;

        var matches = new CocoMatches(data, p.AreaRanges.Count, p.IouThresholds.Count);
        ParallelLoop.For(0, images, parallel, () => new CocoImageEvaluator(data, p, matches), (i, evaluator) =>
        {
            for (int k = 0; k < categories; k++) evaluator.Evaluate(k * images + i);
        });

        var precision = new double[p.IouThresholds.Count * p.RecallThresholds.Count * categories * p.AreaRanges.Count * p.MaxDets.Count];
        var recall = new double[p.IouThresholds.Count * categories * p.AreaRanges.Count * p.MaxDets.Count];
        Array.Fill(precision, -1);
        Array.Fill(recall, -1);
        ParallelLoop.For(0, categories, parallel, () => new CocoAccumulator(data, p, matches, precision, recall), (k, accumulator) => accumulator.Accumulate(k));

        CocoCategory[] sorted = Enumerable.Range(0, categories).Select(k => groundTruth.FindCategory(groundTruth.FromContiguousId(k))!).ToArray();
        return new CocoEvalResult(iouType, p, sorted, precision, recall);
    }
}
