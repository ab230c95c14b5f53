using Dupr.Core.Ops;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.MetaArch;

/// <summary>detectron2's detector_postprocess: detections rescaled from the network input to the original image.</summary>
public static class DetectorPostprocess
{
    /// <summary>Boxes scaled from <paramref name="inputSize"/> to <paramref name="outputSize"/>, clipped, empty ones dropped.</summary>
    public static Detections Rescale(Detections detections, (int Height, int Width) inputSize, (int Height, int Width) outputSize)
    {
        using var scope = NewDisposeScope();
        double scaleX = outputSize.Width / (double)inputSize.Width;
        double scaleY = outputSize.Height / (double)inputSize.Height;
        var scale = tensor(new[] { (float)scaleX, (float)scaleY, (float)scaleX, (float)scaleY }, device: detections.Boxes.device);
        var boxes = BoxOps.Clip(detections.Boxes * scale, outputSize.Height, outputSize.Width);
        var keep = (boxes[.., 2] > boxes[.., 0]).logical_and(boxes[.., 3] > boxes[.., 1]);
        var result = new Detections(boxes[keep], detections.Scores[keep], detections.Classes[keep]);
        scope.MoveToOuter(result.Tensors);
        return result;
    }
}
