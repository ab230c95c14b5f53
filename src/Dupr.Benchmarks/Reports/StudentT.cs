namespace Dupr.Benchmarks.Reports;

/// <summary>Student's t distribution: its quantiles, for confidence intervals of differences between few seeds.</summary>
public static class StudentT
{
    /// <summary>The t value below which a fraction <paramref name="p"/> of the distribution with <paramref name="df"/> degrees of freedom lies.</summary>
    public static double Quantile(double p, double df)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "must be in (0, 1)");
        if (!(df > 0)) throw new ArgumentOutOfRangeException(nameof(df), df, "must be positive");
        if (p < 0.5) return -Quantile(1 - p, df);
        // Bisection on the CDF: monotone, and 200 halvings of [0, 1e6] are far below double precision.
        double low = 0, high = 1e6;
        for (int i = 0; i < 200; i++)
        {
            double mid = (low + high) / 2;
            if (Cdf(mid, df) < p) low = mid;
            else high = mid;
        }
        return (low + high) / 2;
    }

    /// <summary>P(T &lt;= t) for <paramref name="df"/> degrees of freedom.</summary>
    public static double Cdf(double t, double df)
    {
        double tail = 0.5 * RegularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    // I_x(a, b) by its continued fraction (Numerical Recipes' betacf, modified Lentz), using the symmetry I_x(a,b) = 1 - I_{1-x}(b,a)
    // where the fraction converges slowly.
    static double RegularizedIncompleteBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2) ? front * ContinuedFraction(x, a, b) / a : 1 - front * ContinuedFraction(1 - x, b, a) / b;
    }

    static double ContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 300; m++)
        {
            double m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d; d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d; d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15) break;
        }
        return h;
    }

    // Lanczos approximation (g = 7, 9 terms): about 15 significant digits for positive arguments.
    static double LogGamma(double x)
    {
        double[] c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
                      12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        double sum = c[0];
        for (int i = 1; i < 9; i++) sum += c[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
