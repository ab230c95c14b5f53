using static TorchSharp.torch;

namespace Dupr.Detection.Modeling;

/// <summary>detectron2's weight_init fills for the layers of the ROI heads.</summary>
internal static class HeadInit
{
    /// <summary>c2_msra_fill: kaiming_normal (fan_out, ReLU) weights and zero bias of every parameter of <paramref name="layer"/> named weight / bias.</summary>
    public static void MsraFill(nn.Module layer)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in layer.named_parameters(recurse: false))
        {
            if (name == "weight") nn.init.kaiming_normal_(parameter, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            else if (name == "bias") nn.init.zeros_(parameter);
        }
    }

    /// <summary>c2_xavier_fill: kaiming_uniform (a = 1) weights and zero bias.</summary>
    public static void XavierFill(nn.Module layer)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in layer.named_parameters(recurse: false))
        {
            if (name == "weight") nn.init.kaiming_uniform_(parameter, a: 1);
            else if (name == "bias") nn.init.zeros_(parameter);
        }
    }

    /// <summary>detectron2's head init of predictors: normal(0, <paramref name="std"/>) weights and zero bias.</summary>
    public static void NormalFill(nn.Module layer, double std)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in layer.named_parameters(recurse: false))
        {
            if (name == "weight") nn.init.normal_(parameter, std: std);
            else if (name == "bias") nn.init.zeros_(parameter);
        }
    }
}
