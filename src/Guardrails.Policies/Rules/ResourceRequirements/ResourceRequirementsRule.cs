using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Authoring;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Quantities;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Rules.ResourceRequirements;

/// <summary>
/// Checks containers and init containers. Ephemeral containers are exempt: Kubernetes forbids resources on them.
/// </summary>
[Rule(ResourceRequirementsDefinition.RuleId)]
internal sealed class ResourceRequirementsRule : Rule
{
    private readonly ResourceField[] _required;
    private readonly (ResourceField Field, Quantity Max)[] _maximum;
    private readonly (string Resource, decimal Ratio)[] _ratios;
    private readonly (ResourceField Field, Quantity Value)[] _defaults;

    public ResourceRequirementsRule(ResourceRequirementsParameters parameters)
    {
        _required = parameters.Required.Distinct().Select(k => ResourceField.Find(k)!).ToArray();
        _maximum = parameters.Maximum.Select(p => (ResourceField.Find(p.Key)!, p.Value)).ToArray();
        _ratios = parameters.MaxLimitRequestRatio.Select(p => (p.Key, p.Value)).ToArray();
        _defaults = parameters.Defaults.Select(p => (ResourceField.Find(p.Key)!, p.Value)).ToArray();
    }

    public override bool Mutates => _defaults.Length > 0;

    public override void Check(RuleContext context)
    {
        foreach (var container in context.Workload.Containers(includeEphemeral: false))
        {
            var resources = container.Resources;
            foreach (var field in _required)
            {
                if (!Value(resources, field).IsPresent())
                {
                    context.Report(
                        container.FieldPath($"resources.{field.Key}"),
                        "unset",
                        $"{container.Describe()} has no {field.Noun}",
                        $"set resources.{field.Key} (for example {field.Example})");
                }
            }

            CheckValues(context, container, resources);
        }
    }

    public override void Mutate(RuleContext context, PatchBuilder patch)
    {
        foreach (var container in context.Workload.Containers(includeEphemeral: false))
        {
            var resources = container.Resources;
            JsonObject? newRequests = null;
            JsonObject? newLimits = null;
            foreach (var (field, value) in _defaults)
            {
                if (Value(resources, field).IsPresent())
                {
                    continue;
                }

                var filled = Coherent(resources, field, value);
                if (field.Section == "requests")
                {
                    (newRequests ??= [])[field.Resource] = filled.ToString();
                }
                else
                {
                    (newLimits ??= [])[field.Resource] = filled.ToString();
                }
            }

            if (newRequests is null && newLimits is null)
            {
                continue;
            }

            if (resources.ValueKind != JsonValueKind.Object)
            {
                // Nothing to add into: write the whole resources object in one operation.
                var whole = new JsonObject();
                if (newRequests is not null)
                {
                    whole["requests"] = newRequests;
                }

                if (newLimits is not null)
                {
                    whole["limits"] = newLimits;
                }

                patch.Add($"{container.Pointer}/resources", whole);
                continue;
            }

            AddSection(patch, container, resources, "requests", newRequests);
            AddSection(patch, container, resources, "limits", newLimits);
        }
    }

    private static JsonElement Value(JsonElement resources, ResourceField field) =>
        resources.Child(field.Section).Child(field.Resource);

    /// <summary>A default must not contradict the container's own values: Kubernetes rejects a limit below the request.</summary>
    private static Quantity Coherent(JsonElement resources, ResourceField field, Quantity value)
    {
        var otherSection = field.Section == "requests" ? "limits" : "requests";
        if (!Quantity.TryParse(resources.Child(otherSection).Child(field.Resource).AsScalarText(), out var other, out _))
        {
            return value;
        }

        return field.Section == "requests" ? (value > other ? other : value) : (value < other ? other : value);
    }

    private static void AddSection(PatchBuilder patch, ContainerRef container, JsonElement resources, string section, JsonObject? values)
    {
        if (values is null)
        {
            return;
        }

        if (resources.Child(section).ValueKind != JsonValueKind.Object)
        {
            patch.Add($"{container.Pointer}/resources/{section}", values);
            return;
        }

        foreach (var (resource, value) in values)
        {
            patch.Add($"{container.Pointer}/resources/{section}/{resource}", value!.DeepClone());
        }
    }

    private void CheckValues(RuleContext context, ContainerRef container, JsonElement resources)
    {
        Span<Quantity> parsed = stackalloc Quantity[ResourceField.All.Count];
        Span<bool> present = stackalloc bool[ResourceField.All.Count];
        for (var i = 0; i < ResourceField.All.Count; i++)
        {
            var field = ResourceField.All[i];
            var element = Value(resources, field);
            if (!element.IsPresent())
            {
                continue;
            }

            if (!Quantity.TryParse(element.AsScalarText(), out parsed[i], out var error))
            {
                context.Report(container.FieldPath($"resources.{field.Key}"), element.Display(), error, $"use a Kubernetes quantity such as {field.Example}");
                continue;
            }

            present[i] = true;
        }

        foreach (var (field, max) in _maximum)
        {
            var i = IndexOf(field);
            if (present[i] && parsed[i] > max)
            {
                context.Report(
                    container.FieldPath($"resources.{field.Key}"),
                    parsed[i].ToString(),
                    $"{container.Describe()} asks for a {field.Noun} of {parsed[i]}, above the maximum {max}",
                    $"lower resources.{field.Key} to at most {max}");
            }
        }

        foreach (var (resource, ratio) in _ratios)
        {
            var request = resource == "cpu" ? 0 : 1;
            var limit = request + 2;
            if (present[request] && present[limit] && !parsed[request].IsZero && parsed[limit].Value / parsed[request].Value > ratio)
            {
                context.Report(
                    container.FieldPath($"resources.limits.{resource}"),
                    parsed[limit].ToString(),
                    $"{container.Describe()} {resource} limit {parsed[limit]} is {decimal.Round(parsed[limit].Value / parsed[request].Value, 2)}× its request {parsed[request]}, above the allowed ratio {ratio}",
                    $"raise requests.{resource} or lower limits.{resource} so the limit is at most {ratio}× the request");
            }
        }
    }

    private static int IndexOf(ResourceField field)
    {
        for (var i = 0; i < ResourceField.All.Count; i++)
        {
            if (ReferenceEquals(ResourceField.All[i], field))
            {
                return i;
            }
        }

        return -1;
    }
}
