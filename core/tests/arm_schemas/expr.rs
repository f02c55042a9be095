//! A parser for ARM template expressions, enough to find the functions they call and their
//! literal arguments.

/// An ARM template expression: `[resourceId('T', 'a', 'b')]`, `[parameters('x')]`,
/// `[reference(resourceId(…)).properties.x]`, `[concat('a', variables('b'))[0]]`.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Str(String),
    Num(String),
    Call(String, Vec<Expr>),
    Member(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
}

/// Parses a JSON string as an ARM expression: `Ok(None)` for a plain string (including a
/// `[[`-escaped one), `Err` for a malformed expression.
pub fn parse_expression(text: &str) -> Result<Option<Expr>, String> {
    if !text.starts_with('[') || text.starts_with("[[") || !text.ends_with(']') || text.len() < 2 {
        return Ok(None);
    }
    let inner = &text[1..text.len() - 1];
    let mut parser = Parser {
        chars: inner.chars().collect(),
        at: 0,
    };
    let expr = parser.expr()?;
    parser.space();
    if parser.at != parser.chars.len() {
        return Err(format!("unexpected text at {} in {text}", parser.at + 1));
    }
    Ok(Some(expr))
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        self.space();
        if self.peek() == Some(c) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!(
                "expected '{c}' at {}, found {:?}",
                self.at + 1,
                self.peek()
            ))
        }
    }

    fn ident(&mut self) -> String {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect()
    }

    fn expr(&mut self) -> Result<Expr, String> {
        self.space();
        let mut expr = match self.peek() {
            Some('\'') => {
                self.at += 1;
                let mut s = String::new();
                loop {
                    match self.peek() {
                        None => return Err("unterminated string".to_string()),
                        Some('\'') if self.chars.get(self.at + 1) == Some(&'\'') => {
                            s.push('\'');
                            self.at += 2;
                        }
                        Some('\'') => {
                            self.at += 1;
                            break;
                        }
                        Some(c) => {
                            s.push(c);
                            self.at += 1;
                        }
                    }
                }
                Expr::Str(s)
            }
            Some(c) if c.is_ascii_digit() || c == '-' => {
                let start = self.at;
                self.at += 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
                    self.at += 1;
                }
                Expr::Num(self.chars[start..self.at].iter().collect())
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let name = self.ident();
                self.expect('(')?;
                let mut args = Vec::new();
                self.space();
                if self.peek() == Some(')') {
                    self.at += 1;
                } else {
                    loop {
                        args.push(self.expr()?);
                        self.space();
                        match self.peek() {
                            Some(',') => self.at += 1,
                            Some(')') => {
                                self.at += 1;
                                break;
                            }
                            other => {
                                return Err(format!(
                                    "expected ',' or ')' at {}, found {other:?}",
                                    self.at + 1
                                ))
                            }
                        }
                    }
                }
                Expr::Call(name, args)
            }
            other => return Err(format!("unexpected {other:?} at {}", self.at + 1)),
        };
        loop {
            self.space();
            match self.peek() {
                Some('.') => {
                    self.at += 1;
                    self.space();
                    let member = self.ident();
                    if member.is_empty() {
                        return Err(format!("expected a property name at {}", self.at + 1));
                    }
                    expr = Expr::Member(Box::new(expr), member);
                }
                Some('[') => {
                    self.at += 1;
                    let index = self.expr()?;
                    self.expect(']')?;
                    expr = Expr::Index(Box::new(expr), Box::new(index));
                }
                _ => return Ok(expr),
            }
        }
    }
}

/// Every function call in an expression, outermost first.
pub fn calls<'e>(expr: &'e Expr, out: &mut Vec<(&'e str, &'e [Expr])>) {
    match expr {
        Expr::Str(_) | Expr::Num(_) => {}
        Expr::Call(name, args) => {
            out.push((name.as_str(), args.as_slice()));
            for arg in args {
                calls(arg, out);
            }
        }
        Expr::Member(inner, _) => calls(inner, out),
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
