namespace Guardrails.Policies.Resources;

/// <summary>
/// One document's lines in a YAML text: from its <c>---</c> marker (if it has one) to the next marker.
/// <paramref name="Line"/> is the marker's line (1 for the text before the first marker).
/// </summary>
internal readonly record struct YamlChunk(int ContentStart, int End, int Line, int ContentLine, bool HasMarker, bool MarkerHasContent);
