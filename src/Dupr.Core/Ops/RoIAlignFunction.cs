using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Dupr.Core.Ops;

/// <summary>The autograd node of the CPU RoIAlign kernel: the plan is kept for the backward, the features are not.</summary>
internal sealed class RoIAlignFunction : SingleTensorFunction<RoIAlignFunction>
{
    public override string Name => "RoIAlignBackward";

    /// <summary>vars: the input [N, C, H, W] and its <see cref="RoIAlignPlan"/>.</summary>
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var plan = (RoIAlignPlan)vars[1];
        ctx.save_data("plan", plan);
        ctx.save_data("shape", input.shape);
        return RoIAlignKernel.Forward(input, plan);
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var plan = (RoIAlignPlan)ctx.get_data("plan");
        var shape = (long[])ctx.get_data("shape");
        using var timed = OpTimer.Measure(OpTimer.RoIAlign);
        // One entry per forward argument; the plan has no gradient.
        return [RoIAlignKernel.Backward(grad_output, plan, shape), null!];
    }
}
