using System.Text.Json;

namespace Guardrails.Benchmarks;

internal static class JsonElementBenchmarkExtensions
{
    /// <summary>Touches the parsed document so the floor benchmark cannot be optimised away.</summary>
    public static int Touch(this JsonElement element) => element.ValueKind == JsonValueKind.Object ? 1 : 0;
}
