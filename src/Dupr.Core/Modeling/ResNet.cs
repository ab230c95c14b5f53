using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>
/// torchvision's ResNet (v1.5) as a backbone returning stem and res2..res5 (strides 4, 8, 16, 32) by name,
/// with torchvision's state_dict keys so ImageNet checkpoints load without renaming.
/// </summary>
public sealed class ResNet : Backbone
{
    /// <summary>Stage names in network order; StageNames[i] is frozen when i &lt; freeze_at.</summary>
    public static IReadOnlyList<string> StageNames => Stages;

    private static readonly string[] Stages = ["stem", "res2", "res3", "res4", "res5"];

    /// <summary>The name of the classifier logits output (its <see cref="FeatureSpec"/> has stride 0).</summary>
    public const string LogitsName = "fc";

    // Field names are torchvision's attribute names: they become the state_dict keys.
    private readonly AutocastConv2d conv1;
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly Sequential layer1;
    private readonly Sequential? layer2;
    private readonly Sequential? layer3;
    private readonly Sequential? layer4;
    private readonly AutocastLinear? fc;

    private readonly OrderedDictionary<string, FeatureSpec> allShapes = new();
    private readonly OrderedDictionary<string, FeatureSpec> outputShapes = new();

    /// <summary>Builds the network described by <paramref name="config"/> (validated first), initialised like torchvision.</summary>
    public ResNet(ResNetConfig config) : base($"ResNet{config.Depth}")
    {
        config.Validate();
        Config = config;
        var (block, blocks) = ResNetConfig.Layouts[config.Depth];
        int expansion = ResNetStage.Expansion(block);

        // Frozen stages never update their norm statistics, so BN there becomes FrozenBN (detectron2).
        NormKind NormOf(int stage) => stage <= config.FreezeAt && config.Norm is NormKind.BN or NormKind.SyncBN ? NormKind.FrozenBN : config.Norm;

        long width = config.Width;
        conv1 = new AutocastConv2d(3, width, 7, stride: 2, padding: 3, bias: false);
        bn1 = Norms.Create(NormOf(1), width);
        allShapes["stem"] = new FeatureSpec(width, 4);

        // detectron2 builds no stage past the deepest output; the C4 detector moves res5 into its box head.
        // layer1 always exists (it is not nullable and costs little).
        int stages = config.OnlyUpToOutFeatures ? config.OutFeatures.Max(StageIndex) : 4;
        var layers = new Sequential?[4];
        long channels = width;
        for (int i = 0; i < Math.Max(stages, 1); i++)
        {
            long planes = width << i;
            layers[i] = ResNetStage.Create(block, channels, planes, blocks[i], i == 0 ? 1 : 2, NormOf(i + 2));
            channels = planes * expansion;
            allShapes[StageNames[i + 1]] = new FeatureSpec(channels, 4 << i);
        }
        (layer1, layer2, layer3, layer4) = (layers[0]!, layers[1], layers[2], layers[3]);
        if (config.NumClasses is int classes)
        {
            fc = new AutocastLinear(channels, classes);
            allShapes[LogitsName] = new FeatureSpec(classes, 0);
        }
        RegisterComponents();

        foreach (string name in config.OutFeatures.OrderBy(allShapes.IndexOf)) outputShapes[name] = allShapes[name];
        ResNetStage.InitializeWeights(this);
        Freeze(config.FreezeAt);
    }

    /// <summary>The configuration this network was built from.</summary>
    public ResNetConfig Config { get; }

    public override IReadOnlyDictionary<string, FeatureSpec> OutputShapes => outputShapes;

    public override OrderedDictionary<string, Tensor> forward(Tensor input) => Features(input, outputShapes.Keys);

    /// <summary>The features in <paramref name="names"/>, which need not be the configured ones, in network order.</summary>
    public OrderedDictionary<string, Tensor> Features(Tensor input, IReadOnlyCollection<string> names)
    {
        if (names.Count == 0) throw new ArgumentException("no features requested", nameof(names));
        foreach (string name in names)
            if (!allShapes.ContainsKey(name))
                throw new ArgumentException($"unknown feature '{name}'; valid: {string.Join(", ", allShapes.Keys)}", nameof(names));
        int last = names.Max(StageIndex);

        using var scope = NewDisposeScope();
        var outputs = new OrderedDictionary<string, Tensor>();
        var x = nn.functional.max_pool2d(nn.functional.relu(bn1.call(conv1.call(input))), 3, stride: 2, padding: 1);
        if (names.Contains("stem")) outputs["stem"] = x;
        Sequential?[] layers = [layer1, layer2, layer3, layer4];
        // Stop after the deepest stage asked for: later stages would be computed for nothing.
        for (int i = 0; i < last; i++)
        {
            x = layers[i]!.call(x);
            if (names.Contains(StageNames[i + 1])) outputs[StageNames[i + 1]] = x;
        }
        if (names.Contains(LogitsName))
            outputs[LogitsName] = fc!.call(nn.functional.adaptive_avg_pool2d(x, 1).flatten(1));
        foreach (var tensor in outputs.Values) tensor.MoveToOuterDisposeScope();
        return outputs;
    }

    /// <summary>How many stages after the stem a feature needs: stem 0, res2..res5 1..4, fc all 4.</summary>
    private static int StageIndex(string name) => name == LogitsName ? 4 : Array.IndexOf(Stages, name);

    private Sequential?[] BuiltLayers => [layer1, layer2, layer3, layer4];


    private void Freeze(int freezeAt)
    {
        var frozen = new List<nn.Module>();
        if (freezeAt >= 1) frozen.AddRange([conv1, bn1]);
        for (int i = 0; i + 2 <= freezeAt; i++)
            if (BuiltLayers[i] is Sequential layer) frozen.Add(layer);
        foreach (var module in frozen)
            foreach (var parameter in module.parameters())
                parameter.requires_grad = false;
    }
}
