//! The facts the harness checks need the function calls of ARM expressions and their literal
//! arguments; expressions are parsed by the importer's parser (`hsmnet_core::import::expr`).

pub use hsmnet_core::import::expr::Expr;
use hsmnet_core::import::expr::{classify, Text};

/// Parses a JSON string as an ARM expression: `Ok(None)` for a plain string (including a
/// `[[`-escaped one), `Err` for a malformed expression.
pub fn parse_expression(text: &str) -> Result<Option<Expr>, String> {
    match classify(text) {
        Ok(Text::Literal(_)) => Ok(None),
        Ok(Text::Expression(e)) => Ok(Some(e)),
        Err(e) => Err(format!("{text}: {e}")),
    }
}

/// Every function call in an expression, outermost first.
pub fn calls<'e>(expr: &'e Expr, out: &mut Vec<(&'e str, &'e [Expr])>) {
    match expr {
        Expr::Str(_) | Expr::Int(_) | Expr::Bool(_) | Expr::Null => {}
        Expr::Call(name, args) => {
            out.push((name.as_str(), args.as_slice()));
            for arg in args {
                calls(arg, out);
            }
        }
        Expr::Property(inner, _) => calls(inner, out),
        Expr::Index(inner, index) => {
            calls(inner, out);
            calls(index, out);
        }
    }
}

/// The string literals of a call's arguments, or `None` if any argument is not a literal.
pub fn literal_args(args: &[Expr]) -> Option<Vec<&str>> {
    args.iter()
        .map(|a| match a {
            Expr::Str(s) => Some(s.as_str()),
            _ => None,
        })
        .collect()
}
