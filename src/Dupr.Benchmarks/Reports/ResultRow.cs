namespace Dupr.Benchmarks.Reports;

/// <summary>One metric of one evaluated (fine-tuning, pre-training, seed): a line of results.csv.</summary>
public sealed record ResultRow(string Suite, string Finetuning, string Pretraining, long Seed, string Metric, double Value, long Iterations, string Stage);
