using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Guardrails.Policies.RuleFiles;

/// <summary>
/// Inserts the run-time budget into rule code: <c>RuleBudget.Enter()</c> first in every method, accessor, local
/// function and lambda (recursion), <c>RuleBudget.Tick()</c> first in every loop body and before every <c>goto</c>
/// (back-edges). Expression bodies become blocks; whether they return a value is asked of the compiler.
/// </summary>
internal sealed class BudgetRewriter : CSharpSyntaxRewriter
{
    private static readonly StatementSyntax EnterCall = ParseStatement("global::Guardrails.Policies.Authoring.RuleBudget.Enter();");
    private static readonly StatementSyntax TickCall = ParseStatement("global::Guardrails.Policies.Authoring.RuleBudget.Tick();");

    private readonly SemanticModel _model;

    public BudgetRewriter(SemanticModel model)
    {
        _model = model;
    }

    public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node) =>
        Budgeted((MethodDeclarationSyntax)base.VisitMethodDeclaration(node)!, IsVoid(node.ReturnType));

    public override SyntaxNode? VisitConstructorDeclaration(ConstructorDeclarationSyntax node) =>
        Budgeted((ConstructorDeclarationSyntax)base.VisitConstructorDeclaration(node)!, returnsVoid: true);

    public override SyntaxNode? VisitOperatorDeclaration(OperatorDeclarationSyntax node) =>
        Budgeted((OperatorDeclarationSyntax)base.VisitOperatorDeclaration(node)!, returnsVoid: false);

    public override SyntaxNode? VisitConversionOperatorDeclaration(ConversionOperatorDeclarationSyntax node) =>
        Budgeted((ConversionOperatorDeclarationSyntax)base.VisitConversionOperatorDeclaration(node)!, returnsVoid: false);

    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
    {
        var visited = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
        if (visited.Body is { } body)
        {
            return visited.WithBody(Prepend(body, EnterCall));
        }

        return visited.ExpressionBody is { } arrow
            ? visited.WithExpressionBody(null).WithSemicolonToken(default).WithBody(ToBlock(arrow.Expression, IsVoid(visited.ReturnType)))
            : visited;
    }

    public override SyntaxNode? VisitAccessorDeclaration(AccessorDeclarationSyntax node)
    {
        var visited = (AccessorDeclarationSyntax)base.VisitAccessorDeclaration(node)!;
        if (visited.Body is { } body)
        {
            return visited.WithBody(Prepend(body, EnterCall));
        }

        return visited.ExpressionBody is { } arrow
            ? visited.WithExpressionBody(null).WithSemicolonToken(default).WithBody(ToBlock(arrow.Expression, !visited.IsKind(SyntaxKind.GetAccessorDeclaration)))
            : visited;
    }

    public override SyntaxNode? VisitPropertyDeclaration(PropertyDeclarationSyntax node)
    {
        var visited = (PropertyDeclarationSyntax)base.VisitPropertyDeclaration(node)!;
        return visited.ExpressionBody is { } arrow
            ? visited.WithExpressionBody(null).WithSemicolonToken(default).WithAccessorList(Getter(arrow))
            : visited;
    }

    public override SyntaxNode? VisitIndexerDeclaration(IndexerDeclarationSyntax node)
    {
        var visited = (IndexerDeclarationSyntax)base.VisitIndexerDeclaration(node)!;
        return visited.ExpressionBody is { } arrow
            ? visited.WithExpressionBody(null).WithSemicolonToken(default).WithAccessorList(Getter(arrow))
            : visited;
    }

    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node)
    {
        var returnsVoid = LambdaReturnsVoid(node);
        var visited = (SimpleLambdaExpressionSyntax)base.VisitSimpleLambdaExpression(node)!;
        return visited.Block is { } block
            ? visited.WithBlock(Prepend(block, EnterCall))
            : visited.WithExpressionBody(null).WithBlock(ToBlock(visited.ExpressionBody!, returnsVoid));
    }

    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node)
    {
        var returnsVoid = LambdaReturnsVoid(node);
        var visited = (ParenthesizedLambdaExpressionSyntax)base.VisitParenthesizedLambdaExpression(node)!;
        return visited.Block is { } block
            ? visited.WithBlock(Prepend(block, EnterCall))
            : visited.WithExpressionBody(null).WithBlock(ToBlock(visited.ExpressionBody!, returnsVoid));
    }

    public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node)
    {
        var visited = (AnonymousMethodExpressionSyntax)base.VisitAnonymousMethodExpression(node)!;
        return visited.WithBlock(Prepend(visited.Block, EnterCall));
    }

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var visited = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return visited.WithStatement(Ticked(visited.Statement));
    }

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var visited = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return visited.WithStatement(Ticked(visited.Statement));
    }

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var visited = (ForStatementSyntax)base.VisitForStatement(node)!;
        return visited.WithStatement(Ticked(visited.Statement));
    }

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var visited = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return visited.WithStatement(Ticked(visited.Statement));
    }

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
    {
        var visited = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
        return visited.WithStatement(Ticked(visited.Statement));
    }

    public override SyntaxNode? VisitGotoStatement(GotoStatementSyntax node)
    {
        var visited = (GotoStatementSyntax)base.VisitGotoStatement(node)!;
        return Block(TickCall, visited);
    }

    /// <summary>Methods, constructors and operators: <c>Enter()</c> first in the body, an expression body made a block.</summary>
    private static BaseMethodDeclarationSyntax Budgeted(BaseMethodDeclarationSyntax member, bool returnsVoid)
    {
        if (member.Body is { } body)
        {
            return member.WithBody(Prepend(body, EnterCall));
        }

        return member.ExpressionBody is { } arrow
            ? member.WithExpressionBody(null).WithSemicolonToken(default).WithBody(ToBlock(arrow.Expression, returnsVoid))
            : member;
    }

    private static BlockSyntax Prepend(BlockSyntax block, StatementSyntax call) => block.WithStatements(block.Statements.Insert(0, call));

    private static StatementSyntax Ticked(StatementSyntax body) => body is BlockSyntax block ? Prepend(block, TickCall) : Block(TickCall, body);

    private static BlockSyntax ToBlock(ExpressionSyntax expression, bool returnsVoid)
    {
        StatementSyntax statement = expression switch
        {
            ThrowExpressionSyntax thrown => ThrowStatement(thrown.Expression),
            _ when returnsVoid => ExpressionStatement(expression),
            _ => ReturnStatement(expression),
        };
        return Block(EnterCall, statement);
    }

    private static AccessorListSyntax Getter(ArrowExpressionClauseSyntax arrow) =>
        AccessorList(SingletonList(AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, ToBlock(arrow.Expression, returnsVoid: false))));

    private static bool IsVoid(TypeSyntax type) => type is PredefinedTypeSyntax predefined && predefined.Keyword.IsKind(SyntaxKind.VoidKeyword);

    private bool LambdaReturnsVoid(LambdaExpressionSyntax lambda) =>
        _model.GetSymbolInfo(lambda).Symbol is IMethodSymbol { ReturnsVoid: true };
}
