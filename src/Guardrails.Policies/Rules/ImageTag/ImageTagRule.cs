using Guardrails.Policies.Authoring;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Images;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Rules.ImageTag;

/// <summary>An image without a tag means <c>latest</c>; a registry port is not a tag; a digest pins an image whatever its tag.</summary>
[Rule(ImageTagDefinition.RuleId)]
internal sealed class ImageTagRule : Rule
{
    private readonly string[] _disallowed;
    private readonly string[] _exempt;

    public ImageTagRule(ImageTagParameters parameters)
    {
        _disallowed = [.. parameters.DisallowedTags];
        _exempt = [.. parameters.ExemptImages];
    }

    public override void Check(RuleContext context)
    {
        foreach (var container in context.Workload.Containers())
        {
            var image = container.Element.Child("image"u8).AsString();
            if (string.IsNullOrEmpty(image))
            {
                context.Report(container.FieldPath("image"), "unset", $"{container.Describe()} has no image", "set image to a pinned reference such as registry.example.com/app:1.4.2");
                continue;
            }

            if (IsExempt(image))
            {
                continue;
            }

            if (!ImageReference.TryParse(image, out var reference, out var error))
            {
                context.Report(container.FieldPath("image"), image, error, "write the image as [registry/]repository[:tag][@digest] in lowercase");
                continue;
            }

            if (reference.HasDigest)
            {
                continue;
            }

            if (!reference.HasExplicitTag)
            {
                context.Report(
                    container.FieldPath("image"),
                    image,
                    $"{container.Describe()} image '{image}' has no tag, so it pulls 'latest'",
                    $"pin a version tag (for example {image}:1.2.3) or a digest ({image}@sha256:...)");
            }
            else if (Array.IndexOf(_disallowed, reference.Tag) >= 0)
            {
                context.Report(
                    container.FieldPath("image"),
                    image,
                    $"{container.Describe()} image '{image}' uses the tag '{reference.Tag}', which moves and pins nothing",
                    $"pin a version tag (for example {image[..image.LastIndexOf(':')]}:1.2.3) or a digest");
            }
        }
    }

    private bool IsExempt(string image)
    {
        foreach (var pattern in _exempt)
        {
            if (Glob.IsMatch(pattern, image))
            {
                return true;
            }
        }

        return false;
    }
}
