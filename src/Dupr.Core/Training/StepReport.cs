namespace Dupr.Core.Training;

/// <summary>
/// What one optimisation step reports. Its loss terms ("loss", the total, first) and <paramref name="Metrics"/> stay on the
/// device until the loop's next log period or checkpoint, which averages them over the ranks by <paramref name="TermNames"/>
/// and <paramref name="MetricNames"/> (every name any rank may report: a name no rank reported that step is left out);
/// <paramref name="Extra"/> holds host values, already the same on every rank. The metrics.csv row is the terms, the
/// learning rate and the rate, then the metrics and the extra columns.
/// </summary>
public sealed record StepReport(DeviceScalars Terms, IReadOnlyList<string> TermNames, IReadOnlyList<(string Name, double Value)>? Extra = null,
                                DeviceScalars? Metrics = null, IReadOnlyList<string>? MetricNames = null);
