using Dupr.Core.Data;
using Dupr.Detection.Data;
using Dupr.Detection.Modeling;

namespace Dupr.Detection.Evaluation;

/// <summary>Detections collected over a test set, written as its format's results files and scored against its ground truth.</summary>
public abstract class DetectionResults
{
    /// <summary>Records <paramref name="detections"/> of <paramref name="sample"/> (boxes, and masks if any, in its original pixels).</summary>
    public abstract void Add(DetectionSample sample, Detections detections);

    /// <summary>Writes the results files into <paramref name="folder"/> (created); returns what `dupr evaluate` reads: the file or the folder.</summary>
    public abstract string Write(string folder);

    /// <summary>Scores the detections as `dupr evaluate` scores the written files, on up to <paramref name="maxThreads"/> threads (null: all cores).</summary>
    public abstract DetectionMetrics Evaluate(int? maxThreads = null);
}
