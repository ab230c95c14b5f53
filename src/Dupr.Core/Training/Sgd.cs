using TorchSharp;
using TorchSharp.Modules;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Training;

/// <summary>
/// TorchSharp's SGD (same options, state and checkpoints) whose step owns its Scalars: TorchSharp 0.107's step passes
/// momentum, dampening, weight decay and the learning rate as temporary Scalars that a GC can free while libtorch reads
/// them (see <see cref="Runtime.Scalars"/>).
/// </summary>
public sealed class Sgd : SGD
{
    /// <summary>SGD over <paramref name="parameters"/>, with PyTorch's defaults and meaning for each option.</summary>
    public Sgd(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(parameters, learningRate, momentum, dampening, weightDecay, nesterov, maximize)
    {
    }

    /// <summary>SGD over parameter groups, each with its own options; an option a group leaves unset takes the value given here.</summary>
    public Sgd(IEnumerable<ParamGroup> groups, double learningRate, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(groups, learningRate, momentum, dampening, weightDecay, nesterov, maximize)
    {
    }

    /// <inheritdoc/>
    // TorchSharp's SGD.step, operation for operation, with each Scalar passed through Scalars.S.
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        double momentum = options.momentum!.Value;
        double dampening = options.dampening!.Value;
        double weightDecay = options.weight_decay!.Value;
        bool nesterov = options.nesterov!.Value;
        bool maximize = options.maximize!.Value;
        double lr = options.LearningRate!.Value;
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null) continue;
            if (weightDecay != 0) grad = grad.add(param, S(weightDecay));
            if (momentum != 0)
            {
                var buf = state.momentum_buffer;
                if (buf is null)
                {
                    buf = grad.clone().detach().DetachFromDisposeScope();
                    state.momentum_buffer = buf;
                }
                else
                {
                    buf.mul_(S(momentum)).add_(grad, S(1 - dampening));
                }
                grad = nesterov ? grad.add(buf, S(momentum)) : buf;
                state.momentum_buffer = buf;
            }
            param.add_(grad, S(maximize ? lr : -lr));
        }
    }, closure);
}
