using ResNet = Dupr.Core.Modeling.ResNet;

namespace Dupr.Pretrain.Training;

/// <summary>
/// Measures the backbone while it pre-trains (solo-learn's online kNN): called before the first step and every
/// train.probe_period steps; its values go to metrics.csv and TensorBoard as "probe_" columns.
/// </summary>
public interface IBackboneMonitor
{
    /// <summary>Named values (e.g. knn_res5 in percent) of <paramref name="backbone"/>; the caller restores training mode afterwards.</summary>
    IReadOnlyList<(string Name, double Value)> Measure(ResNet backbone);
}
