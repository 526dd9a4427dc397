namespace Guardrails.Tests;

/// <summary>Finds the repository root (beside which CI places <c>../shared</c>) from the test binary's folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Conformance => Path.Combine(Shared, "conformance", "kyverno-policies");

    public static string AdmissionFixtures => Path.Combine(Shared, "fixtures", "admission");

    public static string Policies => Path.Combine(Root, "policies");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Guardrails.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Guardrails.sln not found above " + AppContext.BaseDirectory);
    }
}
