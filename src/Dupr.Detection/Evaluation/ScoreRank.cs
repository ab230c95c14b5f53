namespace Dupr.Detection.Evaluation;

/// <summary>A score with its position in concatenation order, sorted as NumPy's stable mergesort of -score sorts it.</summary>
internal readonly record struct ScoreRank(double Score, int Index)
{
    /// <summary>Highest score first; equal scores keep their order (the index breaks ties, so any sort is stable).</summary>
    public readonly struct Descending : IComparer<ScoreRank>
    {
        public int Compare(ScoreRank x, ScoreRank y) =>
            x.Score > y.Score ? -1 : x.Score < y.Score ? 1 : x.Index.CompareTo(y.Index);
    }
}
