//! Evaluation of ARM template expressions ([`super::expr`]) against a template's parameters and
//! variables, and of whole values (strings holding expressions, `copy` property loops).
//!
//! What a deployment alone knows is a stable placeholder: the subscription id, the resource
//! group's name, `uniqueString(…)` (a hash of its arguments, so equal arguments give equal
//! results). The resource group's location is not guessed: it is asked for like a parameter
//! ([`RG_LOCATION`]). A value that cannot be known here (a parameter with no value, `reference()`)
//! does not stop evaluation: it becomes an [`Unknown`] marker in place, and only the mapping of
//! a property that needs it fails, naming the parameter.

use super::expr::{self, Expr, Text};
use crate::hashing::HashMap;
use serde_json::{Map, Value};

/// The subscription of the deployment: a placeholder (ids compare equal within one import).
pub const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000000";
/// The deployment's resource group: a placeholder.
pub const RESOURCE_GROUP: &str = "deployment-resource-group";
/// The name under which the resource group's location is given, like a parameter.
pub const RG_LOCATION: &str = "resourceGroup().location";
/// Most elements a `copy` loop makes (Azure's own limit).
pub const MAX_COPY: i64 = 800;
/// The most expression evaluations one import may take: a template that builds huge values
/// from variables that refer to one another is refused rather than followed.
pub const MAX_STEPS: usize = 5_000_000;
/// The most JSON values (objects, arrays, strings, numbers…) the evaluated resources of one
/// import may hold. Copy loops multiply what they copy (800 resources each copying 800 array
/// items is 640,000 items, over a gigabyte as JSON values), and a design keeps at most
/// 100,000 elements and items, so a template past this bound is refused while it is read.
pub const MAX_VALUES: usize = 1_000_000;
/// Longest string or array an expression may build.
pub const MAX_VALUE_LEN: usize = 1024 * 1024;

/// The prefix of a marker string standing for a value this import cannot know.
const UNKNOWN: &str = "\u{0}unknown:";

/// A value that cannot be known without deploying, written in place of it.
pub struct Unknown;

impl Unknown {
    /// The marker for a parameter with no value (or an unsupported function), by name.
    pub fn marker(what: &str) -> Value {
        Value::String(format!("{UNKNOWN}{what}"))
    }

    /// What a marker stands for, if `value` is one.
    pub fn of(value: &Value) -> Option<&str> {
        value.as_str().and_then(|s| s.strip_prefix(UNKNOWN))
    }
}

/// Why an expression could not be evaluated.
#[derive(Clone, Debug, PartialEq)]
pub enum EvalError {
    /// A broken template: the message says what and where in the expression.
    Invalid(String),
    /// Something only a deployment knows (the name of the missing parameter, or a sentence).
    Unknown(String),
}

/// The template's parameters and variables, and the loop being expanded.
pub struct Scope<'t> {
    /// Declared parameters by lower-cased name: (name as declared, declaration).
    declared: HashMap<String, (&'t str, &'t Value)>,
    /// Values given by a parameter file or the user, by lower-cased name.
    given: HashMap<String, Value>,
    /// Variables by lower-cased name.
    variables: HashMap<String, &'t Value>,
    /// Evaluated variables and parameters.
    cache: HashMap<String, Value>,
    /// The variables being evaluated, innermost last (cycle detection).
    evaluating: Vec<String>,
    /// `copyIndex()` of the loops being expanded, innermost last: (loop name, index).
    pub loops: Vec<(String, i64)>,
    steps: usize,
    /// JSON values made by [`Scope::value`] so far (see [`MAX_VALUES`]).
    values: usize,
}

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

impl<'t> Scope<'t> {
    pub fn new(template: &'t Map<String, Value>, given: HashMap<String, Value>) -> Self {
        let object = |key: &str| {
            template
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .and_then(|(_, v)| v.as_object())
        };
        let declared = object("parameters")
            .map(|m| m.iter().map(|(k, v)| (lower(k), (k.as_str(), v))).collect())
            .unwrap_or_default();
        let variables = object("variables")
            .map(|m| m.iter().map(|(k, v)| (lower(k), v)).collect())
            .unwrap_or_default();
        Scope {
            declared,
            given: given.into_iter().map(|(k, v)| (lower(&k), v)).collect(),
            variables,
            cache: HashMap::default(),
            evaluating: Vec::new(),
            loops: Vec::new(),
            steps: 0,
            values: 0,
        }
    }

    /// Given values that name no declared parameter (a typo in `--param`), by name.
    pub fn undeclared_given(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .given
            .keys()
            .filter(|k| !self.declared.contains_key(*k) && **k != lower(RG_LOCATION))
            .cloned()
            .collect();
        out.sort();
        out
    }

    /// A whole template value: strings evaluated, `copy` property loops expanded. Unknown values
    /// become markers; broken expressions are errors.
    pub fn value(&mut self, v: &Value) -> Result<Value, EvalError> {
        self.values += 1;
        if self.values > MAX_VALUES {
            return Err(EvalError::Invalid(format!(
                "the template's resources evaluate to more than {MAX_VALUES} JSON values (copy \
                 loops multiply what they copy)"
            )));
        }
        match v {
            Value::String(s) => match self.string(s) {
                Err(EvalError::Unknown(what)) => Ok(Unknown::marker(&what)),
                other => other,
            },
            Value::Array(items) => items
                .iter()
                .map(|i| self.value(i))
                .collect::<Result<_, _>>()
                .map(Value::Array),
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    if k.eq_ignore_ascii_case("copy") && v.is_array() {
                        for (name, items) in self.property_loops(v)? {
                            out.insert(name, Value::Array(items));
                        }
                    } else {
                        out.insert(k.clone(), self.value(v)?);
                    }
                }
                Ok(Value::Object(out))
            }
            other => Ok(other.clone()),
        }
    }

    /// `"copy": [{"name", "count", "input"}]` inside properties: each becomes the array `name`.
    fn property_loops(&mut self, loops: &Value) -> Result<Vec<(String, Vec<Value>)>, EvalError> {
        let mut out = Vec::new();
        for l in loops.as_array().into_iter().flatten() {
            let name = field(l, "name")
                .and_then(Value::as_str)
                .ok_or_else(|| EvalError::Invalid("a property copy loop has no name".into()))?
                .to_string();
            let count = self.count(l)?;
            let input = field(l, "input").ok_or_else(|| {
                EvalError::Invalid(format!("the property copy loop '{name}' has no input"))
            })?;
            let mut items = Vec::with_capacity(count as usize);
            for i in 0..count {
                self.loops.push((name.clone(), i));
                let item = self.value(input);
                self.loops.pop();
                items.push(item?);
            }
            out.push((name, items));
        }
        Ok(out)
    }

    /// The `count` of a copy loop, evaluated and bounded.
    pub fn count(&mut self, copy: &Value) -> Result<i64, EvalError> {
        let count = field(copy, "count")
            .ok_or_else(|| EvalError::Invalid("a copy loop has no count".into()))?;
        let count = match count {
            Value::String(s) => self.string(s)?,
            other => other.clone(),
        };
        let n = count.as_i64().ok_or_else(|| {
            EvalError::Invalid(format!("a copy count is {count}, not an integer"))
        })?;
        if !(0..=MAX_COPY).contains(&n) {
            return Err(EvalError::Invalid(format!(
                "a copy count is {n}; Azure allows 0 to {MAX_COPY}"
            )));
        }
        Ok(n)
    }

    /// A template string: literal text or the value of its expression.
    pub fn string(&mut self, s: &str) -> Result<Value, EvalError> {
        match expr::classify(s).map_err(|e| EvalError::Invalid(format!("{s:?}: {e}")))? {
            Text::Literal(text) => Ok(Value::String(text)),
            Text::Expression(e) => self.eval(&e).map_err(|err| match err {
                EvalError::Invalid(m) => EvalError::Invalid(format!("{s:?}: {m}")),
                unknown => unknown,
            }),
        }
    }

    fn step(&mut self) -> Result<(), EvalError> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(EvalError::Invalid(format!(
                "evaluating the template takes more than {MAX_STEPS} steps"
            )));
        }
        Ok(())
    }

    pub fn eval(&mut self, e: &Expr) -> Result<Value, EvalError> {
        self.step()?;
        match e {
            Expr::Str(s) => Ok(Value::String(s.clone())),
            Expr::Int(n) => Ok(Value::from(*n)),
            Expr::Bool(b) => Ok(Value::Bool(*b)),
            Expr::Null => Ok(Value::Null),
            Expr::Property(base, name) => {
                let base = self.eval(base)?;
                match &base {
                    Value::Object(_) => field(&base, name).cloned().ok_or_else(|| {
                        EvalError::Invalid(format!("the object has no property '{name}'"))
                    }),
                    _ => Err(EvalError::Invalid(format!(
                        "'.{name}' of {}, which is not an object",
                        brief(&base)
                    ))),
                }
            }
            Expr::Index(base, index) => {
                let base = self.eval(base)?;
                let index = self.eval(index)?;
                match (&base, &index) {
                    (Value::Array(items), Value::Number(n)) => n
                        .as_i64()
                        .and_then(|i| usize::try_from(i).ok())
                        .and_then(|i| items.get(i))
                        .cloned()
                        .ok_or_else(|| {
                            EvalError::Invalid(format!(
                                "index {n} is outside an array of {}",
                                items.len()
                            ))
                        }),
                    (Value::Object(_), Value::String(k)) => field(&base, k)
                        .cloned()
                        .ok_or_else(|| EvalError::Invalid(format!("no property '{k}'"))),
                    _ => Err(EvalError::Invalid(format!(
                        "cannot index {} with {}",
                        brief(&base),
                        brief(&index)
                    ))),
                }
            }
            Expr::Call(name, args) => self.call(name, args),
        }
    }

    fn parameter(&mut self, name: &str) -> Result<Value, EvalError> {
        let key = lower(name);
        if let Some(v) = self.given.get(&key) {
            return Ok(v.clone());
        }
        let cache_key = format!("p:{key}");
        if let Some(v) = self.cache.get(&cache_key) {
            return Ok(v.clone());
        }
        let Some(&(declared, decl)) = self.declared.get(&key) else {
            return Err(EvalError::Invalid(format!(
                "the parameter '{name}' is not declared in the template's parameters"
            )));
        };
        let Some(default) = field(decl, "defaultValue") else {
            return Err(EvalError::Unknown(declared.to_string()));
        };
        let v = self.nested(&cache_key, default)?;
        Ok(v)
    }

    fn variable(&mut self, name: &str) -> Result<Value, EvalError> {
        let key = lower(name);
        let cache_key = format!("v:{key}");
        if let Some(v) = self.cache.get(&cache_key) {
            return Ok(v.clone());
        }
        let Some(&decl) = self.variables.get(&key) else {
            return Err(EvalError::Invalid(format!(
                "the variable '{name}' is not declared in the template's variables"
            )));
        };
        if let Some(at) = self.evaluating.iter().position(|k| *k == cache_key) {
            let mut cycle: Vec<&str> = self.evaluating[at..].iter().map(|k| &k[2..]).collect();
            cycle.push(&key);
            return Err(EvalError::Invalid(format!(
                "the variables refer to one another in a cycle: {}",
                cycle.join(" → ")
            )));
        }
        self.nested(&cache_key, decl)
    }

    /// The value of a declaration (a default or a variable), evaluated once: an unknown inside
    /// stays a marker, as everywhere else.
    fn nested(&mut self, cache_key: &str, decl: &Value) -> Result<Value, EvalError> {
        self.evaluating.push(cache_key.to_string());
        // Loops of an outer resource do not reach into a variable.
        let loops = std::mem::take(&mut self.loops);
        let v = self.value(decl);
        self.loops = loops;
        self.evaluating.pop();
        let v = v?;
        if let Some(what) = Unknown::of(&v) {
            return Err(EvalError::Unknown(what.to_string()));
        }
        self.cache.insert(cache_key.to_string(), v.clone());
        Ok(v)
    }

    fn call(&mut self, name: &str, args: &[Expr]) -> Result<Value, EvalError> {
        let f = lower(name);
        // Functions whose arguments are evaluated lazily.
        if f == "if" {
            arity(name, args, 3, 3)?;
            let cond = self.eval(&args[0])?;
            return match cond {
                Value::Bool(true) => self.eval(&args[1]),
                Value::Bool(false) => self.eval(&args[2]),
                other => Err(EvalError::Invalid(format!(
                    "if() needs a boolean condition, got {}",
                    brief(&other)
                ))),
            };
        }
        let values: Vec<Value> = args
            .iter()
            .map(|a| self.eval(a))
            .collect::<Result<_, _>>()?;
        let v = &values;
        let s = |i: usize| -> Result<&str, EvalError> {
            v.get(i).and_then(Value::as_str).ok_or_else(|| {
                EvalError::Invalid(format!(
                    "{name}() needs a string as argument {}, got {}",
                    i + 1,
                    v.get(i).map(brief).unwrap_or_else(|| "nothing".into())
                ))
            })
        };
        let int = |i: usize| -> Result<i64, EvalError> {
            v.get(i).and_then(Value::as_i64).ok_or_else(|| {
                EvalError::Invalid(format!(
                    "{name}() needs an integer as argument {}, got {}",
                    i + 1,
                    v.get(i).map(brief).unwrap_or_else(|| "nothing".into())
                ))
            })
        };
        let out = match f.as_str() {
            "parameters" => {
                arity(name, args, 1, 1)?;
                self.parameter(s(0)?)?
            }
            "variables" => {
                arity(name, args, 1, 1)?;
                self.variable(s(0)?)?
            }
            "concat" => {
                if v.iter().all(Value::is_array) && !v.is_empty() {
                    Value::Array(
                        v.iter()
                            .flat_map(|a| a.as_array().into_iter().flatten().cloned())
                            .collect(),
                    )
                } else {
                    let mut out = String::new();
                    for item in v {
                        out.push_str(&text(item)?);
                    }
                    Value::String(out)
                }
            }
            "format" => {
                arity(name, args, 1, usize::MAX)?;
                Value::String(format_string(s(0)?, &v[1..])?)
            }
            "string" => {
                arity(name, args, 1, 1)?;
                Value::String(match &v[0] {
                    Value::String(x) => x.clone(),
                    other => other.to_string(),
                })
            }
            "int" => {
                arity(name, args, 1, 1)?;
                match &v[0] {
                    Value::Number(n) => Value::Number(n.clone()),
                    Value::String(x) => x.trim().parse::<i64>().map(Value::from).map_err(|_| {
                        EvalError::Invalid(format!("int() of {x:?}, which is not an integer"))
                    })?,
                    other => return Err(EvalError::Invalid(format!("int() of {}", brief(other)))),
                }
            }
            "bool" => {
                arity(name, args, 1, 1)?;
                match &v[0] {
                    Value::Bool(b) => Value::Bool(*b),
                    Value::String(x) => Value::Bool(x.eq_ignore_ascii_case("true")),
                    Value::Number(n) => Value::Bool(n.as_i64() != Some(0)),
                    other => return Err(EvalError::Invalid(format!("bool() of {}", brief(other)))),
                }
            }
            "tolower" => Value::String(s(0)?.to_lowercase()),
            "toupper" => Value::String(s(0)?.to_uppercase()),
            "trim" => Value::String(s(0)?.trim().to_string()),
            "equals" => {
                arity(name, args, 2, 2)?;
                Value::Bool(v[0] == v[1])
            }
            "not" => Value::Bool(!boolean(name, v.first())?),
            "and" => Value::Bool(
                v.iter()
                    .map(|x| boolean(name, Some(x)))
                    .collect::<Result<Vec<_>, _>>()?
                    .into_iter()
                    .all(|b| b),
            ),
            "or" => Value::Bool(
                v.iter()
                    .map(|x| boolean(name, Some(x)))
                    .collect::<Result<Vec<_>, _>>()?
                    .into_iter()
                    .any(|b| b),
            ),
            "empty" => {
                arity(name, args, 1, 1)?;
                Value::Bool(match &v[0] {
                    Value::Null => true,
                    Value::String(x) => x.is_empty(),
                    Value::Array(a) => a.is_empty(),
                    Value::Object(o) => o.is_empty(),
                    _ => false,
                })
            }
            "length" => {
                arity(name, args, 1, 1)?;
                Value::from(match &v[0] {
                    Value::String(x) => x.chars().count(),
                    Value::Array(a) => a.len(),
                    Value::Object(o) => o.len(),
                    other => {
                        return Err(EvalError::Invalid(format!("length() of {}", brief(other))))
                    }
                })
            }
            "contains" => {
                arity(name, args, 2, 2)?;
                Value::Bool(match (&v[0], &v[1]) {
                    (Value::String(h), Value::String(n)) => h.contains(n.as_str()),
                    (Value::Array(a), x) => a.contains(x),
                    (Value::Object(_), Value::String(k)) => field(&v[0], k).is_some(),
                    _ => false,
                })
            }
            "first" | "last" => {
                arity(name, args, 1, 1)?;
                let pick = |len: usize| {
                    if f == "first" {
                        0
                    } else {
                        len.saturating_sub(1)
                    }
                };
                match &v[0] {
                    Value::Array(a) => a.get(pick(a.len())).cloned().unwrap_or(Value::Null),
                    Value::String(x) => {
                        let chars: Vec<char> = x.chars().collect();
                        chars
                            .get(pick(chars.len()))
                            .map(|c| Value::String(c.to_string()))
                            .unwrap_or_else(|| Value::String(String::new()))
                    }
                    other => {
                        return Err(EvalError::Invalid(format!("{name}() of {}", brief(other))))
                    }
                }
            }
            "split" => {
                arity(name, args, 2, 2)?;
                let seps: Vec<String> = match &v[1] {
                    Value::Array(a) => a.iter().map(text).collect::<Result<_, _>>()?,
                    other => vec![text(other)?],
                };
                let mut parts = vec![s(0)?.to_string()];
                for sep in seps.iter().filter(|x| !x.is_empty()) {
                    parts = parts
                        .iter()
                        .flat_map(|p| p.split(sep.as_str()).map(str::to_string))
                        .collect();
                }
                Value::Array(parts.into_iter().map(Value::String).collect())
            }
            "replace" => {
                arity(name, args, 3, 3)?;
                let from = s(1)?;
                if from.is_empty() {
                    Value::String(s(0)?.to_string())
                } else {
                    Value::String(s(0)?.replace(from, s(2)?))
                }
            }
            "substring" => {
                arity(name, args, 2, 3)?;
                let chars: Vec<char> = s(0)?.chars().collect();
                let start = usize::try_from(int(1)?).unwrap_or(usize::MAX);
                let len = if v.len() > 2 {
                    usize::try_from(int(2)?).unwrap_or(usize::MAX)
                } else {
                    chars.len().saturating_sub(start)
                };
                if start > chars.len() || start.saturating_add(len) > chars.len() {
                    return Err(EvalError::Invalid(format!(
                        "substring({start}, {len}) of a string of {} characters",
                        chars.len()
                    )));
                }
                Value::String(chars[start..start + len].iter().collect())
            }
            "startswith" => Value::Bool(lower(s(0)?).starts_with(&lower(s(1)?))),
            "endswith" => Value::Bool(lower(s(0)?).ends_with(&lower(s(1)?))),
            "add" | "sub" | "mul" | "div" | "mod" => {
                arity(name, args, 2, 2)?;
                let (a, b) = (int(0)?, int(1)?);
                let r = match f.as_str() {
                    "add" => a.checked_add(b),
                    "sub" => a.checked_sub(b),
                    "mul" => a.checked_mul(b),
                    "div" => a.checked_div(b),
                    _ => a.checked_rem(b),
                };
                Value::from(r.ok_or_else(|| {
                    EvalError::Invalid(format!("{name}({a}, {b}) has no integer result"))
                })?)
            }
            "greater" | "less" | "greaterorequals" | "lessorequals" => {
                arity(name, args, 2, 2)?;
                let ord = match (&v[0], &v[1]) {
                    (Value::Number(_), Value::Number(_)) => int(0)?.cmp(&int(1)?),
                    _ => s(0)?.cmp(s(1)?),
                };
                Value::Bool(match f.as_str() {
                    "greater" => ord.is_gt(),
                    "less" => ord.is_lt(),
                    "greaterorequals" => ord.is_ge(),
                    _ => ord.is_le(),
                })
            }
            "coalesce" => v
                .iter()
                .find(|x| !x.is_null())
                .cloned()
                .unwrap_or(Value::Null),
            "createarray" | "array" => Value::Array(v.clone()),
            "createobject" => {
                if !v.len().is_multiple_of(2) {
                    return Err(EvalError::Invalid(
                        "createObject() needs key and value pairs".into(),
                    ));
                }
                let mut m = Map::new();
                for pair in v.chunks(2) {
                    m.insert(text(&pair[0])?, pair[1].clone());
                }
                Value::Object(m)
            }
            "union" => {
                if v.iter().all(Value::is_object) {
                    let mut m = Map::new();
                    for o in v.iter().filter_map(Value::as_object) {
                        m.extend(o.iter().map(|(k, x)| (k.clone(), x.clone())));
                    }
                    Value::Object(m)
                } else {
                    let mut out: Vec<Value> = Vec::new();
                    for x in v.iter().filter_map(Value::as_array).flatten() {
                        if !out.contains(x) {
                            out.push(x.clone());
                        }
                    }
                    Value::Array(out)
                }
            }
            "range" => {
                arity(name, args, 2, 2)?;
                let (start, count) = (int(0)?, int(1)?);
                if !(0..=MAX_COPY).contains(&count) {
                    return Err(EvalError::Invalid(format!("range() of {count} items")));
                }
                Value::Array(
                    (start..start.saturating_add(count))
                        .map(Value::from)
                        .collect(),
                )
            }
            "json" => {
                arity(name, args, 1, 1)?;
                serde_json::from_str(s(0)?).map_err(|e| {
                    EvalError::Invalid(format!("json() of text that is not JSON: {e}"))
                })?
            }
            "null" => Value::Null,
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "copyindex" => self.copy_index(name, v)?,
            "uniquestring" => Value::String(unique_string(v)?),
            "guid" => Value::String(guid(v)?),
            "resourceid" => Value::String(resource_id(name, v, true)?),
            "subscriptionresourceid" => Value::String(resource_id(name, v, false)?),
            "resourcegroup" => {
                let mut m = Map::new();
                m.insert(
                    "id".into(),
                    Value::String(format!(
                        "/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
                    )),
                );
                m.insert("name".into(), Value::String(RESOURCE_GROUP.into()));
                m.insert("location".into(), self.rg_location());
                Value::Object(m)
            }
            "subscription" => {
                let mut m = Map::new();
                m.insert("subscriptionId".into(), Value::String(SUBSCRIPTION.into()));
                m.insert(
                    "id".into(),
                    Value::String(format!("/subscriptions/{SUBSCRIPTION}")),
                );
                Value::Object(m)
            }
            "deployment" => {
                let mut m = Map::new();
                m.insert("name".into(), Value::String("deployment".into()));
                Value::Object(m)
            }
            "environment" => {
                let mut m = Map::new();
                m.insert("name".into(), Value::String("AzureCloud".into()));
                Value::Object(m)
            }
            "reference" | "list" | "listkeys" | "listsecrets" | "pickzones" | "utcnow"
            | "newguid" => {
                return Err(EvalError::Unknown(format!(
                    "{name}(), which only a deployment can evaluate"
                )))
            }
            _ => {
                return Err(EvalError::Invalid(format!(
                    "'{name}' is not a template function this import knows"
                )))
            }
        };
        let len = match &out {
            Value::String(x) => x.len(),
            Value::Array(a) => a.len(),
            _ => 0,
        };
        if len > MAX_VALUE_LEN {
            return Err(EvalError::Invalid(format!(
                "{name}() builds a value of {len} items, over the limit of {MAX_VALUE_LEN}"
            )));
        }
        Ok(out)
    }

    /// `resourceGroup().location`: given like a parameter, never guessed; unknown otherwise.
    fn rg_location(&self) -> Value {
        self.given
            .get(&lower(RG_LOCATION))
            .cloned()
            .unwrap_or_else(|| Unknown::marker(RG_LOCATION))
    }

    fn copy_index(&self, name: &str, v: &[Value]) -> Result<Value, EvalError> {
        let (offset, loop_name) = match v {
            [] => (0, None),
            [Value::Number(n)] => (n.as_i64().unwrap_or(0), None),
            [Value::String(l)] => (0, Some(l.as_str())),
            [Value::String(l), Value::Number(n)] | [Value::Number(n), Value::String(l)] => {
                (n.as_i64().unwrap_or(0), Some(l.as_str()))
            }
            _ => {
                return Err(EvalError::Invalid(format!(
                    "{name}() takes a loop name and an offset"
                )))
            }
        };
        let found = match loop_name {
            None => self.loops.last(),
            Some(l) => self
                .loops
                .iter()
                .rev()
                .find(|(n, _)| n.eq_ignore_ascii_case(l)),
        };
        match found {
            Some((_, i)) => Ok(Value::from(i + offset)),
            None => Err(EvalError::Invalid(match loop_name {
                Some(l) => format!("copyIndex('{l}') outside the copy loop '{l}'"),
                None => "copyIndex() outside a copy loop".to_string(),
            })),
        }
    }
}

/// A property of an object, its name in any letter case (ARM ignores case).
pub fn field<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let map = v.as_object()?;
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn arity(name: &str, args: &[Expr], min: usize, max: usize) -> Result<(), EvalError> {
    if args.len() < min || args.len() > max {
        let want = if min == max {
            format!("{min}")
        } else if max == usize::MAX {
            format!("at least {min}")
        } else {
            format!("{min} to {max}")
        };
        return Err(EvalError::Invalid(format!(
            "{name}() takes {want} argument{}, got {}",
            if want == "1" { "" } else { "s" },
            args.len()
        )));
    }
    Ok(())
}

fn boolean(name: &str, v: Option<&Value>) -> Result<bool, EvalError> {
    match v {
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(EvalError::Invalid(format!(
            "{name}() needs booleans, got {}",
            other.map(brief).unwrap_or_else(|| "nothing".into())
        ))),
    }
}

/// A value as text inside `concat`/`format`.
fn text(v: &Value) -> Result<String, EvalError> {
    if let Some(what) = Unknown::of(v) {
        return Err(EvalError::Unknown(what.to_string()));
    }
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok(String::new()),
        other => Err(EvalError::Invalid(format!(
            "cannot join {} into a string",
            brief(other)
        ))),
    }
}

/// What a value is, briefly, for messages.
fn brief(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() > 40 => {
            format!("\"{}…\"", s.chars().take(40).collect::<String>())
        }
        Value::String(s) => format!("{s:?}"),
        Value::Array(a) => format!("an array of {}", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

/// `format('{0}-{1:D3}', …)`: .NET composite formatting, the specifiers real templates use
/// (`D<n>` zero padding on integers); `{{` and `}}` are braces.
fn format_string(pattern: &str, args: &[Value]) -> Result<String, EvalError> {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut spec = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    spec.push(c);
                }
                let (index, fmt) = spec.split_once(':').unwrap_or((&spec, ""));
                let arg = index
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| args.get(i))
                    .ok_or_else(|| {
                        EvalError::Invalid(format!(
                            "format() placeholder {{{spec}}} names no argument (there are {})",
                            args.len()
                        ))
                    })?;
                match (fmt.chars().next(), arg) {
                    (Some('D' | 'd'), Value::Number(n)) => {
                        let width: usize = fmt[1..].parse().unwrap_or(0).min(64);
                        out.push_str(&format!("{:0width$}", n.as_i64().unwrap_or(0)));
                    }
                    _ => out.push_str(&text(arg)?),
                }
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// FNV-1a over the arguments, each followed by a separator.
fn hash(v: &[Value]) -> Result<u64, EvalError> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for item in v {
        for b in text(item)?.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    Ok(h)
}

/// `uniqueString(…)`: 13 lower-case characters, like Azure's, but a stable placeholder (the same
/// arguments always give the same text; not Azure's value).
fn unique_string(v: &[Value]) -> Result<String, EvalError> {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut h = hash(v)?;
    Ok((0..13)
        .map(|_| {
            let c = ALPHABET[(h % 32) as usize] as char;
            h = h.rotate_right(5) ^ 0x9e37_79b9_7f4a_7c15;
            c
        })
        .collect())
}

fn guid(v: &[Value]) -> Result<String, EvalError> {
    let a = hash(v)?;
    let b = a.rotate_left(17) ^ 0x9e37_79b9_7f4a_7c15;
    Ok(format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    ))
}

/// `resourceId([subscriptionId], [resourceGroup], type, name, …)`: the full id. The type is the
/// first argument holding a `/`; the ones before it are the subscription and resource group.
fn resource_id(name: &str, v: &[Value], in_group: bool) -> Result<String, EvalError> {
    let parts: Vec<String> = v.iter().map(text).collect::<Result<_, _>>()?;
    let at = parts.iter().position(|p| p.contains('/')).ok_or_else(|| {
        EvalError::Invalid(format!(
            "{name}() has no resource type (like 'Microsoft.Network/virtualNetworks')"
        ))
    })?;
    let (scope, rest) = parts.split_at(at);
    let (subscription, group) = match (scope, in_group) {
        ([], _) => (SUBSCRIPTION, RESOURCE_GROUP),
        ([g], true) => (SUBSCRIPTION, g.as_str()),
        ([s], false) => (s.as_str(), ""),
        ([s, g], true) => (s.as_str(), g.as_str()),
        _ => {
            return Err(EvalError::Invalid(format!(
                "{name}() has {} arguments before the resource type",
                scope.len()
            )))
        }
    };
    let kind = &rest[0];
    let names = &rest[1..];
    let segments: Vec<&str> = kind.split('/').collect();
    if segments.len() < 2 || names.len() != segments.len() - 1 {
        return Err(EvalError::Invalid(format!(
            "{name}() of type '{kind}' needs {} name{}, got {}",
            segments.len().saturating_sub(1),
            if segments.len() == 2 { "" } else { "s" },
            names.len()
        )));
    }
    let mut id = format!("/subscriptions/{subscription}");
    if in_group {
        id.push_str(&format!("/resourceGroups/{group}"));
    }
    id.push_str(&format!("/providers/{}", segments[0]));
    for (t, n) in segments[1..].iter().zip(names) {
        id.push_str(&format!("/{t}/{n}"));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope(template: &Value) -> Scope<'_> {
        Scope::new(template.as_object().unwrap(), HashMap::default())
    }

    fn eval(template: &Value, s: &str) -> Result<Value, EvalError> {
        scope(template).string(s)
    }

    #[test]
    fn the_functions_real_templates_use() {
        let t = json!({
            "parameters": {
                "vnetName": {"type": "string", "defaultValue": "hsm-vnet"},
                "prefix": {"type": "string", "defaultValue": "10.2"},
            },
            "variables": {
                "subnet": "[concat(parameters('vnetName'), '/hsmsubnet')]",
                "Upper": "[toUpper(variables('subnet'))]",
            }
        });
        assert_eq!(
            eval(&t, "[variables('SUBNET')]").unwrap(),
            json!("hsm-vnet/hsmsubnet")
        );
        assert_eq!(
            eval(&t, "[variables('upper')]").unwrap(),
            json!("HSM-VNET/HSMSUBNET")
        );
        assert_eq!(
            eval(&t, "[format('{0}.{1}.0/24', parameters('prefix'), 3)]").unwrap(),
            json!("10.2.3.0/24")
        );
        assert_eq!(
            eval(&t, "[format('hsm{0:D2}', 7)]").unwrap(),
            json!("hsm07")
        );
        assert_eq!(
            eval(&t, "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('vnetName'), 'hsmsubnet')]").unwrap(),
            json!(format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.Network/virtualNetworks/hsm-vnet/subnets/hsmsubnet"))
        );
        assert_eq!(
            eval(&t, "[resourceId('other-rg', 'Microsoft.Network/virtualNetworks', 'v')]").unwrap(),
            json!(format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/other-rg/providers/Microsoft.Network/virtualNetworks/v"))
        );
        assert_eq!(
            eval(
                &t,
                "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'x')]"
            )
            .unwrap(),
            json!(format!(
                "/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/x"
            ))
        );
        assert_eq!(
            eval(&t, "[if(equals(parameters('prefix'), '10.2'), 'a', 'b')]").unwrap(),
            json!("a")
        );
        assert_eq!(eval(&t, "[empty('')]").unwrap(), json!(true));
        assert_eq!(eval(&t, "[toLower('ABC')]").unwrap(), json!("abc"));
        assert_eq!(
            eval(&t, "[resourceGroup().name]").unwrap(),
            json!(RESOURCE_GROUP)
        );
        let a = eval(&t, "[uniqueString(resourceGroup().id)]").unwrap();
        assert_eq!(a, eval(&t, "[uniqueString(resourceGroup().id)]").unwrap());
        assert_ne!(a, eval(&t, "[uniqueString('other')]").unwrap());
        assert_eq!(a.as_str().unwrap().len(), 13);
        assert_eq!(eval(&t, "[[literal]").unwrap(), json!("[literal]"));
        assert_eq!(eval(&t, "[split('a,b', ',')[1]]").unwrap(), json!("b"));
        assert_eq!(
            eval(&t, "[add(length(createArray(1, 2)), 1)]").unwrap(),
            json!(3)
        );
    }

    #[test]
    fn the_untaken_branch_of_if_is_not_evaluated() {
        let t = json!({"parameters": {"p": {"type": "string"}}});
        assert_eq!(
            eval(&t, "[if(true(), 'x', parameters('p'))]").unwrap(),
            json!("x")
        );
    }

    #[test]
    fn a_parameter_without_value_is_unknown_by_name_and_a_given_one_wins() {
        let t = json!({"parameters": {"adminKey": {"type": "securestring"}, "loc": {"type": "string", "defaultValue": "[resourceGroup().location]"}}});
        assert_eq!(
            eval(&t, "[parameters('ADMINKEY')]"),
            Err(EvalError::Unknown("adminKey".into()))
        );
        assert_eq!(
            eval(&t, "[parameters('loc')]"),
            Err(EvalError::Unknown(RG_LOCATION.into()))
        );
        let mut s = Scope::new(
            t.as_object().unwrap(),
            HashMap::from_iter([("loc".to_string(), json!("uksouth"))]),
        );
        assert_eq!(s.string("[parameters('loc')]").unwrap(), json!("uksouth"));
        // In a value, the unknown becomes a marker that names it.
        let v = s.value(&json!({"a": "[parameters('adminKey')]"})).unwrap();
        assert_eq!(Unknown::of(&v["a"]), Some("adminKey"));
    }

    #[test]
    fn undeclared_names_and_cycles_are_errors() {
        let t = json!({"variables": {"a": "[variables('b')]", "b": "[concat(variables('a'))]"}});
        let Err(EvalError::Invalid(m)) = eval(&t, "[variables('a')]") else {
            panic!()
        };
        assert!(m.contains("cycle: a → b → a"), "{m}");
        let Err(EvalError::Invalid(m)) = eval(&t, "[parameters('nope')]") else {
            panic!()
        };
        assert!(m.contains("'nope' is not declared"), "{m}");
        let Err(EvalError::Invalid(m)) = eval(&t, "[concat('a',]") else {
            panic!()
        };
        assert!(m.contains("at character"), "{m}");
        let Err(EvalError::Invalid(m)) = eval(&t, "[frobnicate()]") else {
            panic!()
        };
        assert!(m.contains("not a template function"), "{m}");
    }

    #[test]
    fn property_copy_loops_expand_with_copy_index() {
        let t = json!({});
        let mut s = scope(&t);
        let v = s
            .value(&json!({"copy": [{"name": "subnets", "count": 3, "input": {"name": "[concat('s', copyIndex('subnets', 1))]"}}]}))
            .unwrap();
        assert_eq!(
            v,
            json!({"subnets": [{"name": "s1"}, {"name": "s2"}, {"name": "s3"}]})
        );
        let err = s
            .value(&json!({"copy": [{"name": "x", "count": 100000, "input": 1}]}))
            .unwrap_err();
        assert!(matches!(err, EvalError::Invalid(m) if m.contains("0 to 800")));
    }

    #[test]
    fn values_cannot_grow_without_bound() {
        let t = json!({"variables": {
            "a": "[concat(createArray(1,2,3,4,5,6,7,8), createArray(1,2,3,4,5,6,7,8))]",
            "b": "[concat(variables('a'), variables('a'), variables('a'), variables('a'))]",
            "c": "[concat(variables('b'), variables('b'), variables('b'), variables('b'))]",
            "d": "[concat(variables('c'), variables('c'), variables('c'), variables('c'))]",
        }});
        // Cached variables: each is built once, so this is quick and small.
        assert_eq!(eval(&t, "[length(variables('d'))]").unwrap(), json!(1024));
        let long = json!({"variables": {
            "x": "[string(range(0, 800))]",
            "s": "[replace(variables('x'), ',', variables('x'))]",
        }});
        let Err(EvalError::Invalid(m)) = eval(&long, "[variables('s')]") else {
            panic!()
        };
        assert!(m.contains("over the limit"), "{m}");
    }
}
