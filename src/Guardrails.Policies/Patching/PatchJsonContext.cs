using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Guardrails.Policies.Patching;

[JsonSerializable(typeof(JsonNode))]
internal sealed partial class PatchJsonContext : JsonSerializerContext;
