using Dupr.Core.Runtime;
using ScottPlot;

namespace Dupr.Benchmarks.Reports;

/// <summary>One named line of a <see cref="LinePlot"/>; dashed lines mark secondary series (periodic evaluations).</summary>
public sealed record PlotSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Dashed = false, bool Markers = false);

/// <summary>Writes line charts as PNG with ScottPlot (atomically): title, axis labels, a legend.</summary>
public static class LinePlot
{
    /// <summary>Plot size in pixels.</summary>
    public const int Width = 900, Height = 540;

    /// <summary>Writes <paramref name="series"/> to <paramref name="path"/>; series without points are left out.</summary>
    public static void Save(string path, string title, string xLabel, string yLabel, IEnumerable<PlotSeries> series)
    {
        var plot = new Plot();
        foreach (var s in series.Where(s => s.X.Count > 0))
        {
            var scatter = plot.Add.Scatter(s.X.ToArray(), s.Y.ToArray());
            scatter.LegendText = s.Label;
            scatter.LineWidth = 2;
            scatter.MarkerSize = s.Markers || s.X.Count == 1 ? 8 : 0;
            if (s.Dashed) scatter.LinePattern = LinePattern.Dashed;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Right); // beside the data area, so it never hides the ends of the curves
        byte[] png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
