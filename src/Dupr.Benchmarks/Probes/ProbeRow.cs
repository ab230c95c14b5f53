namespace Dupr.Benchmarks.Probes;

/// <summary>
/// One number a probe measured: e.g. (knn, res5, top1, 42.5), (correspondence, res4, accuracy, 31.0),
/// (iou-similarity, res4, slope, 0.41) or a curve point (iou-similarity, res4, iou_0.55, 0.83). Accuracies are percent.
/// </summary>
/// <param name="StandardError">The value's standard error over the probe's test sample (objects, view pairs or boxes; in the
/// value's unit), where the probe measures one: what a difference between two backbones probed once each is uncertain by.</param>
public sealed record ProbeRow(string Probe, string Level, string Metric, double Value, double? StandardError = null);
