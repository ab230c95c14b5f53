namespace Dupr.Detection.Data.Voc;

/// <summary>One image's VOC annotation XML: its id (the file stem), size and objects in file order.</summary>
public sealed record VocAnnotation(string ImageId, string? FileName, int Width, int Height, int Depth, IReadOnlyList<VocObject> Objects);
