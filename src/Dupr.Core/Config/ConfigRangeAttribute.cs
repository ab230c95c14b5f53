using System.Globalization;

namespace Dupr.Core.Config;

/// <summary>
/// The range a numeric config key (or every element of a list of numbers) must lie in; <see cref="ConfigSchema"/> checks it
/// in files and --set overrides and names the key. Bounds are inclusive unless marked exclusive.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ConfigRangeAttribute : Attribute
{
    /// <summary>The lower bound (none by default).</summary>
    public double Min { get; set; } = double.NegativeInfinity;

    /// <summary>The upper bound (none by default).</summary>
    public double Max { get; set; } = double.PositiveInfinity;

    /// <summary>True when <see cref="Min"/> itself is out of range (Min = 0 with this: positive).</summary>
    public bool MinExclusive { get; set; }

    /// <summary>True when <see cref="Max"/> itself is out of range.</summary>
    public bool MaxExclusive { get; set; }

    /// <summary>Whether <paramref name="value"/> lies in the range.</summary>
    public bool Contains(double value) =>
        (MinExclusive ? value > Min : value >= Min) && (MaxExclusive ? value < Max : value <= Max);

    /// <summary>"positive", "at least 1", "in [0, 1)": what the range asks for, for error messages.</summary>
    public string Describe()
    {
        bool low = !double.IsNegativeInfinity(Min), high = !double.IsPositiveInfinity(Max);
        if (low && high) return $"in {(MinExclusive ? '(' : '[')}{Text(Min)}, {Text(Max)}{(MaxExclusive ? ')' : ']')}";
        if (low && Min == 0) return MinExclusive ? "positive" : "0 or more";
        if (low) return MinExclusive ? $"more than {Text(Min)}" : $"at least {Text(Min)}";
        return high ? (MaxExclusive ? $"less than {Text(Max)}" : $"at most {Text(Max)}") : "any number";
    }

    static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
