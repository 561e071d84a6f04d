//! Headless Chromium for the browser tests, driven over W3C WebDriver by
//! Debian's `chromedriver` (a few JSON calls, no extra crate), and a TCP
//! proxy between the browser and kefu that a test can cut to play a
//! network loss.
//!
//! Without `chromedriver` the tests say SKIPPED; with `KEFU_TEST_BROWSER=
//! required` (CI sets it) they fail instead.

use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// How long a wait for something on the page may take.
pub const WAIT: Duration = Duration::from_secs(15);

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The chromedriver binary, or why the test cannot run.
pub fn chromedriver() -> Option<String> {
    let found = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(str::to_owned);
    if found.is_none() && std::env::var("KEFU_TEST_BROWSER").as_deref() == Ok("required") {
        panic!("KEFU_TEST_BROWSER=required but chromedriver is not installed (apt-get install chromium chromium-driver)");
    }
    found
}

/// One chromedriver process; each [`Browser`] is a session of it.
pub struct Driver {
    process: Child,
    url: String,
    http: reqwest::Client,
}

impl Driver {
    pub async fn start(binary: &str) -> Driver {
        let port = free_port();
        // Its own process group: the browsers it starts end with it.
        let process = Command::new(binary)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver {
            process,
            url: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        };
        let deadline = Instant::now() + WAIT;
        loop {
            let ready = driver
                .http
                .get(format!("{}/status", driver.url))
                .send()
                .await
                .ok()
                .map(|r| r.status().is_success())
                .unwrap_or(false);
            if ready {
                return driver;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A new headless window of `width` × `height` CSS pixels.
    pub async fn browser(&self, width: u32, height: u32) -> Browser {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .unwrap_or("/usr/bin/chromium");
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                // The pages' language follows the browser's: Chinese, as most users'.
                "prefs": { "intl.accept_languages": "zh-CN,zh" },
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--lang=zh-CN",
                    "--force-device-scale-factor=1",
                    format!("--window-size={width},{height}"),
                ],
            },
        } } });
        let answer = call(&self.http, "POST", &format!("{}/session", self.url), caps).await;
        let id = answer["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("a WebDriver session: {answer}"))
            .to_owned();
        let browser = Browser {
            http: self.http.clone(),
            base: format!("{}/session/{id}", self.url),
        };
        // The window's inner size is what a user sees.
        browser.set_viewport(width, height).await;
        browser
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and any browser a failed test left.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.process.id())])
            .status();
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// One browser window.
pub struct Browser {
    http: reqwest::Client,
    base: String,
}

async fn call(http: &reqwest::Client, method: &str, url: &str, body: Value) -> Value {
    let request = match method {
        "GET" => http.get(url),
        "DELETE" => http.delete(url),
        _ => http.post(url).json(&body),
    };
    let response = request.send().await.expect("chromedriver answers");
    let answer: Value = response.json().await.expect("chromedriver answers JSON");
    answer["value"].clone()
}

impl Browser {
    async fn post(&self, path: &str, body: Value) -> Value {
        call(&self.http, "POST", &format!("{}{path}", self.base), body).await
    }

    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    /// Runs `script` (a function body; `arguments` are `args`) and answers
    /// its return value.
    pub async fn js(&self, script: &str, args: Value) -> Value {
        let answer = self
            .post("/execute/sync", json!({ "script": script, "args": args }))
            .await;
        if answer.get("error").is_some() {
            panic!("script failed: {answer}\n{script}");
        }
        answer
    }

    async fn set_viewport(&self, width: u32, height: u32) {
        let outer = self
            .js(
                "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]",
                json!([]),
            )
            .await;
        let dx = outer[0].as_u64().unwrap_or(0) as u32;
        let dy = outer[1].as_u64().unwrap_or(0) as u32;
        self.post(
            "/window/rect",
            json!({ "width": width + dx, "height": height + dy }),
        )
        .await;
    }

    /// Waits until `css` matches an element, and answers the first.
    pub async fn find(&self, css: &str) -> Element<'_> {
        self.wait_for(&format!("{css} is on the page"), || async {
            self.find_now(css).await
        })
        .await
    }

    /// The first element matching `css` now, if any.
    pub async fn find_now(&self, css: &str) -> Option<Element<'_>> {
        let answer = self
            .post("/element", json!({ "using": "css selector", "value": css }))
            .await;
        answer[ELEMENT].as_str().map(|id| Element {
            browser: self,
            id: id.to_owned(),
        })
    }

    /// Waits until `check` answers Some.
    pub async fn wait_for<T, F, Fut>(&self, what: &str, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(value) = check().await {
                return value;
            }
            if Instant::now() > deadline {
                let text = self
                    .js(
                        "return document.body ? document.body.innerText : ''",
                        json!([]),
                    )
                    .await;
                panic!(
                    "waited {WAIT:?} and still not: {what}\npage text:\n{}",
                    text.as_str().unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the script answers `true`.
    pub async fn wait_until(&self, what: &str, script: &str, args: Value) {
        self.wait_for(what, || async {
            (self.js(script, args.clone()).await == json!(true)).then_some(())
        })
        .await
    }

    /// How many elements match `css` now.
    pub async fn count(&self, css: &str) -> usize {
        self.js(
            "return document.querySelectorAll(arguments[0]).length",
            json!([css]),
        )
        .await
        .as_u64()
        .unwrap_or(0) as usize
    }

    /// The text of every element matching `css`, in document order.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let answer = self
            .js(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)",
                json!([css]),
            )
            .await;
        serde_json::from_value(answer).unwrap_or_default()
    }

    /// A PNG of the viewport.
    pub async fn screenshot(&self) -> Vec<u8> {
        use base64::Engine as _;
        let answer = call(
            &self.http,
            "GET",
            &format!("{}/screenshot", self.base),
            json!({}),
        )
        .await;
        base64::engine::general_purpose::STANDARD
            .decode(answer.as_str().expect("a base64 PNG"))
            .expect("base64")
    }

    /// Looks inside this iframe from now on.
    pub async fn enter_frame(&self, frame: &Element<'_>) {
        let answer = self
            .post("/frame", json!({ "id": { ELEMENT: frame.id } }))
            .await;
        assert!(answer.get("error").is_none(), "into the frame: {answer}");
    }

    pub async fn reload(&self) {
        self.post("/refresh", json!({})).await;
    }
}

impl Drop for Browser {
    /// Ends the WebDriver session, so chromedriver closes the browser (and
    /// reaps it) now: a plain blocking DELETE, as Drop cannot await.
    fn drop(&mut self) {
        use std::io::{Read, Write};
        let Some(rest) = self.base.strip_prefix("http://") else {
            return;
        };
        let Some((host, path)) = rest.split_once('/') else {
            return;
        };
        if let Ok(mut stream) = std::net::TcpStream::connect(host) {
            let _ = stream.set_read_timeout(Some(WAIT));
            let _ = write!(
                stream,
                "DELETE /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
            );
            let _ = stream.read_to_end(&mut Vec::new());
        }
    }
}

/// An element found on the page.
pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

impl Element<'_> {
    async fn post(&self, what: &str, body: Value) -> Value {
        self.browser
            .post(&format!("/element/{}/{what}", self.id), body)
            .await
    }

    pub async fn click(&self) {
        let answer = self.post("click", json!({})).await;
        assert!(answer.get("error").is_none(), "click failed: {answer}");
    }

    /// Types `text` into it (a file path, for a file input).
    pub async fn type_text(&self, text: &str) {
        let answer = self.post("value", json!({ "text": text })).await;
        assert!(answer.get("error").is_none(), "typing failed: {answer}");
    }

    pub async fn text(&self) -> String {
        let answer = call(
            &self.browser.http,
            "GET",
            &format!("{}/element/{}/text", self.browser.base, self.id),
            json!({}),
        )
        .await;
        answer.as_str().unwrap_or_default().to_owned()
    }
}

/// A free TCP port on 127.0.0.1 (taken, then released for the child).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A TCP proxy in front of kefu, which the browser talks to: `cut` drops
/// every connection and refuses new ones until `restore`.
pub struct Proxy {
    pub base: String,
    up: Arc<watch::Sender<bool>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    pub async fn start(target: &str) -> Proxy {
        let target: SocketAddr = target
            .trim_start_matches("http://")
            .parse()
            .expect("the app's address");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let up = Arc::new(watch::channel(true).0);
        let task = tokio::spawn(accept(listener, target, up.clone()));
        Proxy { base, up, task }
    }

    /// The network goes away: open connections break, new ones fail.
    pub fn cut(&self) {
        self.up.send_replace(false);
    }

    pub fn restore(&self) {
        self.up.send_replace(true);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, target: SocketAddr, up: Arc<watch::Sender<bool>>) {
    while let Ok((client, _)) = listener.accept().await {
        if !*up.borrow() {
            drop(client);
            continue;
        }
        let mut state = up.subscribe();
        tokio::spawn(async move {
            let Ok(server) = TcpStream::connect(target).await else {
                return;
            };
            let (mut client, mut server) = (client, server);
            tokio::select! {
                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                _ = state.wait_for(|up| !*up) => {}
            }
        });
    }
}
