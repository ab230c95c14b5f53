using System.Globalization;

namespace Dupr.Benchmarks.Paper;

/// <summary>What a paper row's <see cref="PaperRow.Value"/> is: a table cell or a gap stated in the text.</summary>
public enum PaperValueKind
{
    /// <summary>A number printed in a table.</summary>
    Value,

    /// <summary>A difference the text reports (Fig. 2), measured against <see cref="PaperRow.Reference"/>.</summary>
    Gap,
}

/// <summary>One number of the paper, as transcribed in eval/paper/*.csv (see eval/paper/README.md).</summary>
public sealed record PaperRow
{
    /// <summary>table1 ... table7 or fig2.</summary>
    public required string Table { get; init; }

    /// <summary>Sub-table letter (a-d), Table 4's block number, or empty.</summary>
    public required string Part { get; init; }

    /// <summary>Dataset, model and schedule, e.g. "COCO Mask R-CNN R50-FPN 1x".</summary>
    public required string Setting { get; init; }

    /// <summary>Canonical pre-training name, e.g. "MoCo v2", "DUPR".</summary>
    public required string Method { get; init; }

    /// <summary>The row label as printed, without its citation.</summary>
    public required string Label { get; init; }

    /// <summary>Pre-training epochs, or null where the paper prints "-" or does not say.</summary>
    public int? Epochs { get; init; }

    /// <summary>Ablations: the varied parameter (alpha, beta, roi_size, loss); empty otherwise.</summary>
    public required string Param { get; init; }

    /// <summary>Ablations: the varied parameter's value as printed; empty otherwise.</summary>
    public required string ParamValue { get; init; }

    /// <summary>Canonical metric name, e.g. AP75, APbb, APmk50, mIoU, top1, svm_conv2_x.</summary>
    public required string Metric { get; init; }

    /// <summary>The number as printed.</summary>
    public required double Value { get; init; }

    /// <summary>The bracketed delta as printed, or null when none.</summary>
    public double? ReportedDelta { get; init; }

    /// <summary>The label of the row the delta is measured against (or, for a gap, the method); empty when none.</summary>
    public required string Reference { get; init; }

    /// <summary>Table cell or gap stated in the text.</summary>
    public required PaperValueKind Kind { get; init; }

    /// <summary>Printed markers and the paper's inconsistencies about this cell; empty when none.</summary>
    public required string Note { get; init; }

    /// <summary>The CSV file the row came from.</summary>
    public required string File { get; init; }

    /// <summary>The row's line number in <see cref="File"/> (1-based, the header is line 1).</summary>
    public required int Line { get; init; }

    /// <summary>Where the row lives, "file:line", for messages.</summary>
    public string Location => $"{Path.GetFileName(File)}:{Line}";

    /// <summary>A short human-readable description, e.g. "table1 VOC07+12 ... / MoCo v2 (800 ep) / AP = 57.4".</summary>
    public override string ToString()
    {
        string part = Part.Length > 0 ? $"({Part}) " : "";
        string epochs = Epochs is int e ? $" ({e} ep)" : "";
        string param = Param.Length > 0 ? $" {Param}={ParamValue}" : "";
        return $"{Table} {part}{Setting} / {Method}{epochs}{param} / {Metric} = {Value.ToString(CultureInfo.InvariantCulture)}";
    }
}
