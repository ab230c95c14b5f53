using System.Runtime.InteropServices;
using Dupr.Detection.Evaluation;

namespace Dupr.Detection.Evaluation.Voc;

/// <summary>AP from a precision/recall curve, as detectron2's voc_ap computes it.</summary>
public static class VocAveragePrecision
{
    /// <summary>AP of the curve (<paramref name="recall"/>, <paramref name="precision"/>) by <paramref name="metric"/>.</summary>
    public static double Compute(ReadOnlySpan<double> recall, ReadOnlySpan<double> precision, VocMetric metric) =>
        metric == VocMetric.ElevenPoint ? ElevenPoint(recall, precision) : Area(recall, precision);

    /// <summary>Mean over t = 0, 0.1, ..., 1 (np.arange values i * 0.1) of the best precision at recall &gt;= t (0 if none).</summary>
    static double ElevenPoint(ReadOnlySpan<double> recall, ReadOnlySpan<double> precision)
    {
        double ap = 0;
        for (int i = 0; i < 11; i++)
        {
            double t = i * 0.1;
            double p = 0;
            bool any = false;
            for (int j = 0; j < recall.Length; j++)
            {
                if (!(recall[j] >= t)) continue;
                p = any ? Math.Max(p, precision[j]) : precision[j];
                any = true;
            }
            ap += p / 11.0;
        }
        return ap;
    }

    /// <summary>Sum of recall steps times the precision envelope, with sentinels (0, 0) and (1, 0).</summary>
    static double Area(ReadOnlySpan<double> recall, ReadOnlySpan<double> precision)
    {
        int n = recall.Length + 2;
        var mrec = new double[n];
        var mpre = new double[n];
        recall.CopyTo(mrec.AsSpan(1));
        precision.CopyTo(mpre.AsSpan(1));
        mrec[n - 1] = 1;
        for (int i = n - 1; i > 0; i--) mpre[i - 1] = Math.Max(mpre[i - 1], mpre[i]);
        var terms = new List<double>();
        for (int i = 0; i < n - 1; i++)
            if (mrec[i + 1] != mrec[i]) terms.Add((mrec[i + 1] - mrec[i]) * mpre[i + 1]);
        return NumpySum.Sum(CollectionsMarshal.AsSpan(terms));
    }
}
