namespace Dupr.Core.Training;

/// <summary>The learning rate at each iteration: linear warm-up, then cosine, multi-step or constant.</summary>
public static class LrSchedule
{
    /// <summary>The base rate after the linear scaling rule: BaseLr x batch / ReferenceBatchSize.</summary>
    public static double ScaledBaseLr(SolverConfig solver, int batchSize) => solver.BaseLr * batchSize / solver.ReferenceBatchSize;

    /// <summary>The rate for <paramref name="iteration"/> (0-based), given the scaled base rate.</summary>
    public static double At(SolverConfig solver, double baseLr, long iteration)
    {
        double decay = solver.Policy switch
        {
            // Per-iteration cosine to zero at MaxIter (MoCo v2 decays per epoch; per iteration is smoother and equal at epoch ends).
            LrPolicy.Cosine => 0.5 * (1 + Math.Cos(Math.PI * Math.Min(iteration, solver.MaxIter) / solver.MaxIter)),
            // detectron2 WarmupMultiStepLR: bisect_right(steps, iteration).
            LrPolicy.MultiStep => Math.Pow(solver.Gamma, solver.Steps.Count(step => step <= iteration)),
            _ => 1.0,
        };
        return baseLr * decay * WarmupFactor(solver, iteration);
    }

    static double WarmupFactor(SolverConfig solver, long iteration)
    {
        if (iteration >= solver.WarmupIters) return 1.0;
        double alpha = (double)iteration / solver.WarmupIters;
        return solver.WarmupFactor * (1 - alpha) + alpha;
    }
}
