namespace Dupr.Benchmarks.Reports;

/// <summary>One metric of one evaluated (fine-tuning, pre-training, seed): a line of results.csv.</summary>
/// <param name="StandardError">The value's own standard error where one measurement carries it (a probe's, over its test sample); null otherwise.</param>
public sealed record ResultRow(string Suite, string Finetuning, string Pretraining, long Seed, string Metric, double Value, long Iterations, string Stage,
                               double? StandardError = null);
