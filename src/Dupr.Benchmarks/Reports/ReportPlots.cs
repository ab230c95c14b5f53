using Dupr.Benchmarks.Runner;
using Dupr.Core.Training;
using Dupr.Pretrain.Training;

namespace Dupr.Benchmarks.Reports;

/// <summary>
/// The PNG plots of a suite run (plots/): pre-training loss terms per pre-training, fine-tuning loss per recipe (mean over
/// seeds), and AP against fine-tuning iterations: the final evaluations at each recipe's length, plus the periodic
/// evaluations a fine-tuning run records in eval.csv when there are any.
/// </summary>
public static class ReportPlots
{
    /// <summary>The folder under the output directory.</summary>
    public const string Folder = "plots";

    /// <summary>The periodic evaluation table a fine-tuning run may write (iteration, AP, AP50, AP75, ...).</summary>
    public const string PeriodicEvalFile = "eval.csv";

    /// <summary>Writes every plot that has data; returns their paths relative to the output directory.</summary>
    public static IReadOnlyList<string> Write(SuitePlan plan, IReadOnlyList<ResultRow> rows)
    {
        var written = new List<string>();
        string Save(string name) => Path.Combine(plan.Output, Folder, name);

        // The online monitor of every pre-training on one axis: probe accuracy against pre-training steps.
        var monitors = new List<PlotSeries>();
        foreach (var (pretraining, stage) in plan.Pretrainings.Where(p => StageStore.IsDone(p.Stage)))
        {
            var table = ReadMetrics(Path.Combine(stage.RunDirectory, "metrics.csv"));
            if (table.Count == 0) continue;
            var columns = table.SelectMany(r => r.Keys).Distinct().ToList();
            IEnumerable<PlotSeries> Curves(IEnumerable<string> names) =>
                names.Select(t => Series(t, table.Where(r => r.ContainsKey(t)).Select(r => (r["iteration"], r[t]))));
            foreach (string column in columns.Where(c => c.StartsWith(PretrainTrainer.ProbePrefix, StringComparison.Ordinal)))
                monitors.Add(Series($"{pretraining.DisplayName} {column[PretrainTrainer.ProbePrefix.Length..]}",
                    table.Where(r => r.ContainsKey(column)).Select(r => (r["iteration"], r[column])), markers: true));
            string name = $"pretrain_loss_{pretraining.Name}.png";
            LinePlot.Save(Save(name), $"pre-training {pretraining.DisplayName}: loss terms", "iteration", "loss", Curves(columns.Where(LossCurveSummary.IsLoss)));
            written.Add(Path.Combine(Folder, name));
            // The per-term contrastive accuracies go on their own axis.
            var accuracies = columns.Where(c => c.StartsWith(PretrainTrainer.AccuracyPrefix)).ToList();
            if (accuracies.Count == 0) continue;
            name = $"pretrain_acc1_{pretraining.Name}.png";
            LinePlot.Save(Save(name), $"pre-training {pretraining.DisplayName}: contrastive top-1 accuracy", "iteration", "top-1 accuracy", Curves(accuracies));
            written.Add(Path.Combine(Folder, name));
        }
        if (monitors.Count > 0)
        {
            LinePlot.Save(Save("pretrain_probe.png"), "online probe of the query backbone during pre-training", "pre-training iteration", "top-1 (%)", monitors);
            written.Add(Path.Combine(Folder, "pretrain_probe.png"));
        }

        var finetunes = plan.Evaluations.Where(e => StageStore.IsDone(e.Stage.Finetune)).ToList();
        foreach (var group in finetunes.GroupBy(e => e.Finetuning.Name))
        {
            var series = group.GroupBy(e => e.Pretraining.Name)
                .Select(byInit => Series(byInit.First().Pretraining.DisplayName,
                    MeanByIteration(byInit.Select(e => ReadMetrics(Path.Combine(e.Stage.Finetune.RunDirectory, "metrics.csv"))), "loss")))
                .ToList();
            string name = $"finetune_loss_{group.Key}.png";
            LinePlot.Save(Save(name), $"fine-tuning {group.Key}: total loss (mean over seeds)", "iteration", "loss", series);
            written.Add(Path.Combine(Folder, name));
        }

        if (rows.Count > 0)
        {
            // The suite's first metric: fine-tunings of several lengths give one point each (Fig. 2 of the paper).
            string metric = rows[0].Metric;
            var series = new List<PlotSeries>();
            foreach (var p in plan.Suite.Spec.Pretrainings)
            {
                var points = rows.Where(r => r.Pretraining == p.Name && r.Metric == metric)
                    .GroupBy(r => r.Iterations).OrderBy(g => g.Key).Select(g => ((double)g.Key, g.Average(r => r.Value)));
                series.Add(Series($"{p.DisplayName} (final {metric})", points, markers: true));
                foreach (var byRecipe in finetunes.Where(e => e.Pretraining.Name == p.Name).GroupBy(e => e.Finetuning.Name))
                {
                    var periodic = byRecipe.Select(e => ReadMetrics(Path.Combine(e.Stage.Finetune.RunDirectory, PeriodicEvalFile))).Where(t => t.Count > 0).ToList();
                    if (periodic.Count > 0)
                        series.Add(Series($"{p.DisplayName} ({byRecipe.Key}, periodic AP)", MeanByIteration(periodic, "AP"), dashed: true));
                }
            }
            string name = "ap_vs_iterations.png";
            LinePlot.Save(Save(name), $"{metric} against fine-tuning iterations", "fine-tuning iterations", metric, series);
            written.Add(Path.Combine(Folder, name));
        }
        return written;
    }

    static List<Dictionary<string, double>> ReadMetrics(string path) => File.Exists(path) ? MetricsCsv.Read(path) : [];

    // Seeds log at the same iterations; the mean at each iteration over the runs that logged it.
    static IEnumerable<(double X, double Y)> MeanByIteration(IEnumerable<List<Dictionary<string, double>>> runs, string column) =>
        runs.SelectMany(t => t).Where(r => r.ContainsKey(column))
            .GroupBy(r => r["iteration"]).OrderBy(g => g.Key).Select(g => (g.Key, g.Average(r => r[column])));

    static PlotSeries Series(string label, IEnumerable<(double X, double Y)> points, bool dashed = false, bool markers = false)
    {
        var list = points.ToList();
        return new PlotSeries(label, list.Select(p => p.X).ToList(), list.Select(p => p.Y).ToList(), dashed, markers);
    }
}
