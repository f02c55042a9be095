//! ARM template expressions: the text between `[` and `]` in a template string, parsed into a
//! small tree ([`Expr`]). Evaluation lives in `eval.rs`; this module knows only the syntax.
//!
//! The grammar (Azure's "template expressions" page): a function call `name(arg, …)`, a string
//! literal in single quotes (`''` is a quote), an integer, `true`/`false`/`null`, each followed by
//! any number of accessors `.property` or `[index]`. A string that starts with `[[` is a literal
//! that starts with `[`; one that does not both start with `[` and end with `]` is a literal.
//! Errors say at which character of the expression they were found.

use std::fmt;

/// The deepest nesting of calls and indexes accepted: real templates stay far below it, and a
/// hostile one cannot exhaust the stack.
pub const MAX_DEPTH: usize = 64;
/// The longest expression accepted, in bytes.
pub const MAX_LEN: usize = 64 * 1024;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Str(String),
    Int(i64),
    Bool(bool),
    Null,
    /// `name(args…)`; the name as written (functions are matched ignoring case).
    Call(String, Vec<Expr>),
    /// `base.name`
    Property(Box<Expr>, String),
    /// `base[index]`
    Index(Box<Expr>, Box<Expr>),
}

/// A syntax error at a character offset of the expression (counted from 1, the opening `[`
/// being character 1 of the string).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub at: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at character {}: {}", self.at, self.message)
    }
}

/// What a template string holds: plain text, or an expression to evaluate.
#[derive(Clone, Debug, PartialEq)]
pub enum Text {
    Literal(String),
    Expression(Expr),
}

/// Reads a template string: `[[…` is the literal `[…`, `[…]` an expression, anything else
/// plain text.
pub fn classify(s: &str) -> Result<Text, SyntaxError> {
    if let Some(rest) = s.strip_prefix("[[") {
        return Ok(Text::Literal(format!("[{rest}")));
    }
    match s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        Some(inner) => parse(inner).map(Text::Expression),
        None => Ok(Text::Literal(s.to_string())),
    }
}

/// Parses the inside of `[…]`.
pub fn parse(src: &str) -> Result<Expr, SyntaxError> {
    if src.len() > MAX_LEN {
        return Err(SyntaxError {
            at: 1,
            message: format!(
                "the expression is {} bytes long, over the limit of {MAX_LEN}",
                src.len()
            ),
        });
    }
    let mut p = Parser {
        chars: src.char_indices().collect(),
        pos: 0,
        depth: 0,
    };
    p.skip_space();
    if p.peek().is_none() {
        return Err(p.error("the expression is empty"));
    }
    let e = p.expr()?;
    p.skip_space();
    match p.peek() {
        None => Ok(e),
        Some(c) => Err(p.error(&format!("unexpected '{c}' after the expression"))),
    }
}

struct Parser {
    chars: Vec<(usize, char)>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|&(_, c)| c)
    }

    fn error(&self, message: &str) -> SyntaxError {
        // +2: characters count from 1, and the opening `[` is the first.
        SyntaxError {
            at: self.pos + 2,
            message: message.to_string(),
        }
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, want: char) -> Result<(), SyntaxError> {
        self.skip_space();
        match self.peek() {
            Some(c) if c == want => {
                self.pos += 1;
                Ok(())
            }
            Some(c) => Err(self.error(&format!("expected '{want}', found '{c}'"))),
            None => Err(self.error(&format!("expected '{want}', found the end"))),
        }
    }

    fn expr(&mut self) -> Result<Expr, SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(&format!("nested deeper than {MAX_DEPTH} levels")));
        }
        self.skip_space();
        let mut e = self.primary()?;
        loop {
            self.skip_space();
            match self.peek() {
                Some('.') => {
                    self.pos += 1;
                    self.skip_space();
                    let name = self.identifier()?;
                    e = Expr::Property(Box::new(e), name);
                }
                Some('[') => {
                    self.pos += 1;
                    let index = self.expr()?;
                    self.expect(']')?;
                    e = Expr::Index(Box::new(e), Box::new(index));
                }
                _ => break,
            }
        }
        self.depth -= 1;
        Ok(e)
    }

    fn identifier(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
        {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(match self.peek() {
                Some(c) => self.error(&format!("expected a name, found '{c}'")),
                None => self.error("expected a name, found the end"),
            });
        }
        Ok(self.chars[start..self.pos]
            .iter()
            .map(|&(_, c)| c)
            .collect())
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        match self.peek() {
            Some('\'') => self.string(),
            Some(c) if c.is_ascii_digit() || c == '-' => self.number(),
            Some(c) if c.is_alphabetic() || c == '_' => {
                let name = self.identifier()?;
                self.skip_space();
                if self.peek() != Some('(') {
                    return match name.to_ascii_lowercase().as_str() {
                        "true" => Ok(Expr::Bool(true)),
                        "false" => Ok(Expr::Bool(false)),
                        "null" => Ok(Expr::Null),
                        _ => Err(self.error(&format!("expected '(' after '{name}'"))),
                    };
                }
                self.pos += 1;
                let mut args = Vec::new();
                self.skip_space();
                if self.peek() == Some(')') {
                    self.pos += 1;
                    return Ok(Expr::Call(name, args));
                }
                loop {
                    args.push(self.expr()?);
                    self.skip_space();
                    match self.peek() {
                        Some(',') => self.pos += 1,
                        Some(')') => {
                            self.pos += 1;
                            return Ok(Expr::Call(name, args));
                        }
                        Some(c) => {
                            return Err(self.error(&format!(
                                "expected ',' or ')' in the arguments of '{name}', found '{c}'"
                            )))
                        }
                        None => {
                            return Err(self.error(&format!(
                                "the arguments of '{name}' are not closed with ')'"
                            )))
                        }
                    }
                }
            }
            Some(c) => Err(self.error(&format!("unexpected '{c}'"))),
            None => Err(self.error("the expression ends too early")),
        }
    }

    fn string(&mut self) -> Result<Expr, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                Some('\'') if self.chars.get(self.pos + 1).map(|&(_, c)| c) == Some('\'') => {
                    out.push('\'');
                    self.pos += 2;
                }
                Some('\'') => {
                    self.pos += 1;
                    return Ok(Expr::Str(out));
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
                None => {
                    self.pos = open;
                    return Err(self.error("the string that starts here is not closed with '"));
                }
            }
        }
    }

    fn number(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos]
            .iter()
            .map(|&(_, c)| c)
            .collect();
        text.parse().map(Expr::Int).map_err(|_| {
            self.pos = start;
            self.error(&format!("'{text}' is not an integer"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: Vec<Expr>) -> Expr {
        Expr::Call(name.to_string(), args)
    }

    #[test]
    fn calls_strings_and_accessors_parse() {
        assert_eq!(
            parse("concat(parameters('vnet'), '-', 'it''s')").unwrap(),
            call(
                "concat",
                vec![
                    call("parameters", vec![Expr::Str("vnet".into())]),
                    Expr::Str("-".into()),
                    Expr::Str("it's".into()),
                ]
            )
        );
        assert_eq!(
            parse("resourceGroup().location").unwrap(),
            Expr::Property(Box::new(call("resourceGroup", vec![])), "location".into())
        );
        assert_eq!(
            parse("variables('list')[ -1 ].name").unwrap(),
            Expr::Property(
                Box::new(Expr::Index(
                    Box::new(call("variables", vec![Expr::Str("list".into())])),
                    Box::new(Expr::Int(-1))
                )),
                "name".into()
            )
        );
        assert_eq!(
            parse(" if(true, 1, null()) ").unwrap(),
            call(
                "if",
                vec![Expr::Bool(true), Expr::Int(1), call("null", vec![])]
            )
        );
    }

    #[test]
    fn escapes_and_literals_are_told_apart() {
        assert_eq!(
            classify("[[not an expression]").unwrap(),
            Text::Literal("[not an expression]".into())
        );
        assert_eq!(
            classify("10.0.0.0/24").unwrap(),
            Text::Literal("10.0.0.0/24".into())
        );
        assert_eq!(classify("[x").unwrap(), Text::Literal("[x".into()));
        assert!(matches!(
            classify("[parameters('a')]").unwrap(),
            Text::Expression(_)
        ));
    }

    #[test]
    fn errors_say_where() {
        let e = parse("concat('a', 'b'").unwrap_err();
        assert_eq!(e.at, 17, "{e}");
        assert!(e.message.contains("not closed"), "{e}");
        let e = parse("concat('a)").unwrap_err();
        assert_eq!(e.at, 9, "{e}");
        let e = parse("parameters('a'))").unwrap_err();
        assert_eq!(
            e.to_string(),
            "at character 17: unexpected ')' after the expression"
        );
        assert_eq!(parse("").unwrap_err().message, "the expression is empty");
        assert!(parse("foo").unwrap_err().message.contains("expected '('"));
        assert!(parse("a(,)").is_err());
        assert!(parse("99999999999999999999").is_err());
    }

    #[test]
    fn depth_and_length_are_bounded() {
        let deep = format!(
            "{}1{}",
            "a(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        assert!(parse(&deep).unwrap_err().message.contains("nested deeper"));
        let fine = format!(
            "{}1{}",
            "a(".repeat(MAX_DEPTH - 1),
            ")".repeat(MAX_DEPTH - 1)
        );
        assert!(parse(&fine).is_ok());
        let long = format!("'{}'", "x".repeat(MAX_LEN));
        assert!(parse(&long).unwrap_err().message.contains("over the limit"));
    }
}
