using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>
/// detectron2's Feature Pyramid Network over a bottom-up backbone: 1x1 lateral and 3x3 output convolutions,
/// nearest-neighbour top-down pathway, outputs p{log2 stride} (P2..P6 for R-CNN, P3..P7 for RetinaNet).
/// State_dict keys are detectron2's: bottom_up.*, fpn_lateral{n}.*, fpn_output{n}.*, top_block.p6/p7.*.
/// </summary>
public sealed class Fpn : Backbone
{
    private readonly Backbone bottom_up;
    private readonly LastLevelP6P7? top_block;

    // Registered under detectron2's per-level names; kept here finest first.
    private readonly Conv2dNorm[] lateralConvs;
    private readonly Conv2dNorm[] outputConvs;

    private readonly string[] inFeatures;
    private readonly string topBlockInput;
    private readonly FpnTopBlock topBlockKind;
    private readonly OrderedDictionary<string, FeatureSpec> outputShapes = new();
    private readonly int sizeDivisibility;

    /// <summary>Builds the pyramid on <paramref name="bottomUp"/>, which must output every one of config.InFeatures.</summary>
    public Fpn(Backbone bottomUp, FpnConfig config) : base(nameof(Fpn))
    {
        config.Validate();
        bottom_up = bottomUp;
        inFeatures = [.. config.InFeatures];
        topBlockKind = config.TopBlock;
        var inputShapes = bottomUp.OutputShapes;
        foreach (string name in inFeatures)
            if (!inputShapes.ContainsKey(name))
                throw new DuprException($"fpn in_features: the backbone has no output '{name}'; it has {string.Join(", ", inputShapes.Keys)}");

        lateralConvs = new Conv2dNorm[inFeatures.Length];
        outputConvs = new Conv2dNorm[inFeatures.Length];
        int previousStride = 0;
        for (int i = 0; i < inFeatures.Length; i++)
        {
            var input = inputShapes[inFeatures[i]];
            if (input.Stride <= previousStride || !int.IsPow2(input.Stride))
                throw new DuprException($"fpn in_features must be ordered finest first with power-of-two strides; '{inFeatures[i]}' has stride {input.Stride}");
            previousStride = input.Stride;
            int level = int.Log2(input.Stride);
            lateralConvs[i] = new Conv2dNorm(input.Channels, config.OutChannels, 1, 1, config.Norm);
            outputConvs[i] = new Conv2dNorm(config.OutChannels, config.OutChannels, 3, 1, config.Norm);
            register_module($"fpn_lateral{level}", lateralConvs[i]);
            register_module($"fpn_output{level}", outputConvs[i]);
            outputShapes[$"p{level}"] = new FeatureSpec(config.OutChannels, input.Stride);
        }
        sizeDivisibility = previousStride;

        // The extra levels read the last backbone feature (P6P7, "C5") or the last pyramid level (MaxPool, "P5").
        topBlockInput = inFeatures[^1];
        if (config.TopBlock == FpnTopBlock.P6P7)
            top_block = new LastLevelP6P7(inputShapes[topBlockInput].Channels, config.OutChannels);
        int extraLevels = config.TopBlock switch { FpnTopBlock.MaxPool => 1, FpnTopBlock.P6P7 => 2, _ => 0 };
        for (int i = 1; i <= extraLevels; i++)
            outputShapes[$"p{int.Log2(previousStride) + i}"] = new FeatureSpec(config.OutChannels, previousStride << i);
        RegisterComponents();
    }

    public override IReadOnlyDictionary<string, FeatureSpec> OutputShapes => outputShapes;

    /// <summary>The largest input stride: inputs padded to a multiple of it give exactly aligned levels.</summary>
    public override int SizeDivisibility => sizeDivisibility;

    public override OrderedDictionary<string, Tensor> forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var bottomUp = bottom_up.call(input);
        int count = inFeatures.Length;
        var results = new Tensor[count];
        var previous = lateralConvs[^1].call(bottomUp[inFeatures[^1]]);
        results[^1] = outputConvs[^1].call(previous);
        for (int i = count - 2; i >= 0; i--)
        {
            var lateral = lateralConvs[i].call(bottomUp[inFeatures[i]]);
            // Upsample to the lateral's size rather than by exactly 2: identical when the input size is a
            // multiple of the stride, and still defined when it is not.
            var topDown = nn.functional.interpolate(previous, size: [lateral.shape[2], lateral.shape[3]], mode: InterpolationMode.Nearest);
            previous = lateral.add(topDown, One);
            results[i] = outputConvs[i].call(previous);
        }

        var outputs = new OrderedDictionary<string, Tensor>();
        var names = outputShapes.Keys.ToArray();
        for (int i = 0; i < count; i++) outputs[names[i]] = results[i];
        if (topBlockKind == FpnTopBlock.MaxPool)
            outputs[names[count]] = nn.functional.max_pool2d(results[^1], 1, stride: 2);
        else if (top_block is not null)
            (outputs[names[count]], outputs[names[count + 1]]) = top_block.call(bottomUp[topBlockInput]);
        foreach (var tensor in outputs.Values) tensor.MoveToOuterDisposeScope();
        return outputs;
    }
}
