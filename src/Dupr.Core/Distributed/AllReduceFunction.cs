using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Dupr.Core.Distributed;

/// <summary>
/// A differentiable sum over the ranks: the forward all-reduces the value and the backward all-reduces the gradient
/// (every rank's loss depends on every rank's contribution). vars: the tensor and the <see cref="World"/>.
/// </summary>
internal sealed class AllReduceFunction : SingleTensorFunction<AllReduceFunction>
{
    public override string Name => "AllReduceSumBackward";

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var world = (World)vars[1];
        ctx.save_data("world", world);
        var sum = input.detach().contiguous().clone();
        world.AllReduceSum(sum);
        return sum;
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var world = (World)ctx.get_data("world");
        var sum = grad_output.contiguous().clone();
        world.AllReduceSum(sum);
        return [sum, null!];
    }
}
