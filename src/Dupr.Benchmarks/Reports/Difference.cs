using Dupr.Benchmarks.Performance;

namespace Dupr.Benchmarks.Reports;

/// <summary>
/// The difference of two methods' means on one metric, over their seeds: its standard error and 95% interval (Welch's t when both
/// sides have several values; with a single value on one side, the other side's spread stands for both, with pooled degrees of freedom).
/// </summary>
/// <param name="Mean">Mean of A minus mean of B.</param>
/// <param name="StandardError">Standard error of that difference; NaN when neither side has two values.</param>
/// <param name="Low">Lower end of the 95% interval.</param>
/// <param name="High">Upper end of the 95% interval.</param>
/// <param name="CountA">Values of A.</param>
/// <param name="CountB">Values of B.</param>
/// <param name="FromTestSamples">True when the error is the two measurements' own (one value each, e.g. probes over their test
/// samples: see <see cref="OfMeasurements"/>) rather than the spread over seeds.</param>
public sealed record Difference(double Mean, double StandardError, double Low, double High, int CountA, int CountB, bool FromTestSamples = false)
{
    /// <summary>How many standard errors the difference is from zero (infinite for a non-zero difference without spread).</summary>
    public double Significance => StandardError > 0 ? Mean / StandardError : Mean == 0 ? 0 : Math.Sign(Mean) * double.PositiveInfinity;

    /// <summary>
    /// A minus B for one measurement each that carries its own standard error (a probe's over its test sample: objects, view
    /// pairs, boxes): the errors added in quadrature and a normal 95% interval. It leaves out how much another pre-training seed
    /// would move either value, which one pre-training per method cannot measure; as both are probed on the same test sample,
    /// it is conservative about that sample.
    /// </summary>
    public static Difference OfMeasurements(double a, double standardErrorA, double b, double standardErrorB)
    {
        double se = Math.Sqrt(standardErrorA * standardErrorA + standardErrorB * standardErrorB), diff = a - b;
        return new Difference(diff, se, diff - 1.959964 * se, diff + 1.959964 * se, 1, 1, FromTestSamples: true);
    }

    /// <summary>A minus B from their values.</summary>
    public static Difference Of(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count == 0 || b.Count == 0) throw new ArgumentException("both sides need at least one value");
        double meanA = a.Average(), meanB = b.Average(), diff = meanA - meanB;
        double varA = Statistics.SampleVariance(a), varB = Statistics.SampleVariance(b);
        double se, df;
        if (a.Count > 1 && b.Count > 1)
        {
            double wa = varA / a.Count, wb = varB / b.Count;
            se = Math.Sqrt(wa + wb);
            df = wa + wb > 0 ? (wa + wb) * (wa + wb) / (wa * wa / (a.Count - 1) + wb * wb / (b.Count - 1)) : a.Count + b.Count - 2;
        }
        else if (a.Count + b.Count > 2)
        {
            double pooled = a.Count > 1 ? varA : varB;
            se = Math.Sqrt(pooled * (1.0 / a.Count + 1.0 / b.Count));
            df = a.Count + b.Count - 2;
        }
        else return new Difference(diff, double.NaN, double.NaN, double.NaN, a.Count, b.Count);
        double half = StudentT.Quantile(0.975, df) * se;
        return new Difference(diff, se, diff - half, diff + half, a.Count, b.Count);
    }
}
