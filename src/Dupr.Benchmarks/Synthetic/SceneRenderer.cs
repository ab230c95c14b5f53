using SkiaSharp;

namespace Dupr.Benchmarks.Synthetic;

/// <summary>Paints a <see cref="Scene"/>: a textured background with clutter, then the objects in order.</summary>
public static class SceneRenderer
{
    /// <summary>Renders <paramref name="scene"/> and returns it encoded as JPEG (quality 90); a plain background is the gradient alone.</summary>
    public static byte[] RenderJpeg(Scene scene, Random rng, bool plainBackground = false)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(scene.Width, scene.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            if (plainBackground) PaintGradient(canvas, scene.Width, scene.Height, rng);
            else PaintBackground(canvas, scene.Width, scene.Height, rng);
            foreach (SceneObject obj in scene.Objects) PaintObject(canvas, obj, rng);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using SKData data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    static SKColor RandomColor(Random rng) => new((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256));

    // Fractal noise over a colour gradient, then clutter: strokes and irregular blobs that belong to
    // no class, so a detector must learn shapes rather than "anything that is not background".
    static void PaintBackground(SKCanvas canvas, int width, int height, Random rng)
    {
        PaintGradient(canvas, width, height, rng);
        using (var noise = new SKPaint { BlendMode = SKBlendMode.Overlay })
        {
            float frequency = (float)(0.02 + 0.1 * rng.NextDouble());
            noise.Shader = SKShader.CreatePerlinNoiseFractalNoise(frequency, frequency, 2 + rng.Next(3), rng.Next(1000));
            canvas.DrawRect(0, 0, width, height, noise);
        }
        int strokes = 2 + rng.Next(6);
        for (int i = 0; i < strokes; i++)
        {
            using var pen = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1 + rng.Next(3), Color = RandomColor(rng) };
            using var path = new SKPath();
            path.MoveTo((float)(rng.NextDouble() * width), (float)(rng.NextDouble() * height));
            path.CubicTo((float)(rng.NextDouble() * width), (float)(rng.NextDouble() * height),
                (float)(rng.NextDouble() * width), (float)(rng.NextDouble() * height),
                (float)(rng.NextDouble() * width), (float)(rng.NextDouble() * height));
            canvas.DrawPath(path, pen);
        }
        int blobs = rng.Next(4);
        for (int i = 0; i < blobs; i++)
        {
            double cx = rng.NextDouble() * width, cy = rng.NextDouble() * height, radius = 3 + rng.NextDouble() * Math.Min(width, height) * 0.08;
            int vertices = 5 + rng.Next(5);
            var outline = Enumerable.Range(0, vertices)
                .Select(k => (Angle: 2 * Math.PI * k / vertices, Radius: radius * (0.5 + rng.NextDouble())))
                .Select(p => (cx + p.Radius * Math.Cos(p.Angle), cy + p.Radius * Math.Sin(p.Angle)))
                .ToList();
            using var fill = new SKPaint { IsAntialias = true, Color = RandomColor(rng) };
            using var path = ToPath(outline);
            canvas.DrawPath(path, fill);
        }
    }

    static void PaintGradient(SKCanvas canvas, int width, int height, Random rng)
    {
        using var gradient = new SKPaint();
        gradient.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
            [RandomColor(rng), RandomColor(rng)], SKShaderTileMode.Clamp);
        canvas.DrawRect(0, 0, width, height, gradient);
    }

    // Each instance draws its own texture parameters (period, angle, dot or line size, ring centre) within its class's
    // texture, so that instances of a class differ in shape and texture detail as natural objects do, not only in colour.
    static void PaintObject(SKCanvas canvas, SceneObject obj, Random rng)
    {
        using var path = ToPath(obj.Polygon);
        SKColor primary = RandomColor(rng), secondary = RandomColor(rng);
        var (x1, y1, x2, y2) = obj.Box;
        double side = Math.Min(x2 - x1, y2 - y1);
        float period = (float)Math.Max(3, side * (0.1 + 0.2 * rng.NextDouble()));
        float angle = (float)(180 * rng.NextDouble());
        float size = (float)(0.2 + 0.25 * rng.NextDouble());   // dot radius or line width, per period
        float cx = (float)(x1 + x2) / 2, cy = (float)(y1 + y2) / 2;
        canvas.Save();
        canvas.ClipPath(path, SKClipOperation.Intersect, antialias: true);
        using (var fill = new SKPaint { IsAntialias = true, Color = primary })
            canvas.DrawRect((float)x1, (float)y1, (float)(x2 - x1), (float)(y2 - y1), fill);
        // Patterns are drawn in a frame rotated by the instance's angle about the box centre, over a square that covers the box.
        canvas.RotateDegrees(angle, cx, cy);
        float half = (float)Math.Sqrt((x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1)) / 2;
        float left = cx - half, top = cy - half, extent = 2 * half;
        using var paint = new SKPaint { IsAntialias = true, Color = secondary };
        var start = new SKPoint(left, top);
        switch (ShapeCatalog.Texture(obj.ClassIndex))
        {
            case SurfaceTexture.Solid:
                break;
            case SurfaceTexture.Stripes:
                paint.Shader = SKShader.CreateLinearGradient(start, new SKPoint(start.X + period, start.Y + period),
                    [primary, primary, secondary, secondary], [0, 0.5f, 0.5f, 1], SKShaderTileMode.Repeat);
                canvas.DrawRect(left, top, extent, extent, paint);
                break;
            case SurfaceTexture.Checker:
                for (float y = top; y < top + extent; y += period)
                for (float x = left; x < left + extent; x += period)
                    if (((int)((x - left) / period) + (int)((y - top) / period)) % 2 == 0) canvas.DrawRect(x, y, period, period, paint);
                break;
            case SurfaceTexture.Dots:
                for (float y = top + period / 2; y < top + extent; y += period)
                for (float x = left + period / 2; x < left + extent; x += period)
                    canvas.DrawCircle(x, y, period * size, paint);
                break;
            case SurfaceTexture.Gradient:
                paint.Shader = SKShader.CreateLinearGradient(new SKPoint(cx - half / 1.4f, cy), new SKPoint(cx + half / 1.4f, cy), [primary, secondary], SKShaderTileMode.Clamp);
                canvas.DrawRect(left, top, extent, extent, paint);
                break;
            case SurfaceTexture.Rings:
                var centre = new SKPoint(cx + (float)((rng.NextDouble() - 0.5) * 0.4 * side), cy + (float)((rng.NextDouble() - 0.5) * 0.4 * side));
                paint.Shader = SKShader.CreateRadialGradient(centre, period,
                    [primary, primary, secondary, secondary], [0, 0.5f, 0.5f, 1], SKShaderTileMode.Repeat);
                canvas.DrawRect(left, top, extent, extent, paint);
                break;
            case SurfaceTexture.Noise:
                paint.BlendMode = SKBlendMode.Multiply;
                float frequency = (float)(0.12 + 0.26 * rng.NextDouble());
                paint.Shader = SKShader.CreatePerlinNoiseTurbulence(frequency, frequency, 2, rng.Next(1000));
                canvas.DrawRect(left, top, extent, extent, paint);
                break;
            case SurfaceTexture.Grid:
                paint.Style = SKPaintStyle.Stroke;
                paint.StrokeWidth = Math.Max(1, period * size * 0.75f);
                for (float x = left; x < left + extent; x += period) canvas.DrawLine(x, top, x, top + extent, paint);
                for (float y = top; y < top + extent; y += period) canvas.DrawLine(left, y, left + extent, y, paint);
                break;
        }
        canvas.Restore();
    }

    static SKPath ToPath(IReadOnlyList<(double X, double Y)> polygon)
    {
        var path = new SKPath();
        path.MoveTo((float)polygon[0].X, (float)polygon[0].Y);
        foreach (var (x, y) in polygon.Skip(1)) path.LineTo((float)x, (float)y);
        path.Close();
        return path;
    }
}
