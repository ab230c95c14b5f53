using Dupr.Core.Data;
using Dupr.Detection.Data;
using Dupr.Detection.Modeling;

namespace Dupr.Detection.Evaluation;

/// <summary>A test set: the images to detect on (test transforms, every image kept) and the ground truth that scores the detections.</summary>
public abstract class DetectionTestSet
{
    /// <summary>The test samples, in order.</summary>
    public abstract IDataset<DetectionSample> Dataset { get; }

    /// <summary>Class names by contiguous id.</summary>
    public abstract IReadOnlyList<string> ClassNames { get; }

    /// <summary>The set for messages, e.g. "VOC2007 test".</summary>
    public abstract string Description { get; }

    /// <summary>An empty collection for this set's detections.</summary>
    public abstract DetectionResults NewResults();
}
