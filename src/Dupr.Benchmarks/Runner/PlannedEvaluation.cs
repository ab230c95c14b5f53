using Dupr.Benchmarks.Suites;

namespace Dupr.Benchmarks.Runner;

/// <summary>One cell of the suite's grid, (fine-tuning, pre-training, seed), and the evaluation stage that scores it (shared by cells with the same recipe).</summary>
public sealed record PlannedEvaluation(FinetuningSpec Finetuning, PretrainingSpec Pretraining, long Seed, EvaluateStage Stage);

/// <summary>A pre-training of the suite and the stage that runs it (shared by pre-trainings with the same recipe and seed).</summary>
public sealed record PlannedPretraining(PretrainingSpec Pretraining, PretrainStage Stage);
