//! Measures the autosave round trip: signs up a throwaway organisation on
//! a running server, creates a draft, then sends sequential saves of a
//! realistic request and prints the median and 99th percentile.
//!
//! Usage: `cargo run --release -p server --example save_latency -- [BASE_URL] [SAVES]`
//! (defaults: http://127.0.0.1:3000 and 300).

use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:3000".into());
    let saves: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(300);
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let post = |path: &str| {
        client
            .post(format!("{base}/api/{path}"))
            .header("Origin", &base)
    };

    let email = format!("bench-{}@bench.example", std::process::id());
    let signed_up = post("sign_up")
        .form(&[
            ("organisation_name", "Benchmark Org"),
            ("display_name", "Bench"),
            ("email", email.as_str()),
            ("password", "benchmark passphrase 2026"),
        ])
        .send()
        .await?;
    if !signed_up.status().is_success() {
        return Err(format!("sign-up failed with HTTP {}", signed_up.status()).into());
    }
    let connection_id: String = post("create_connection").send().await?.json().await?;

    let sample: Value = serde_json::from_str(include_str!("../../fixtures/sample-requests.json"))?;
    let request = &sample["requests"][0];
    let mut content = json!({
        "organisation": request["organisation"],
        "contacts": request["contacts"],
        "gdpr": { "controller_name": request["gdpr"]["controller_name"], "privacy_notice_url": request["gdpr"]["privacy_notice_url"] },
        "technical": request["technical"],
    });

    let mut timings = Vec::with_capacity(saves);
    let mut version = 1;
    for i in 0..saves {
        content["connection"] = json!({ "name": format!("Benchmark connection {i}") });
        let started = Instant::now();
        let response = post("save_request")
            .json(
                &json!({ "connection_id": connection_id, "version": version, "content": content }),
            )
            .send()
            .await?;
        let status = response.status();
        let ack: Value = response.json().await?;
        timings.push(started.elapsed());
        if !status.is_success() {
            return Err(format!("save {i} failed with HTTP {status}: {ack}").into());
        }
        version = ack["version"].as_i64().ok_or("save reply has no version")?;
    }

    timings.sort();
    let percentile = |p: f64| timings[((timings.len() as f64 - 1.0) * p).round() as usize];
    let mean = timings.iter().sum::<Duration>() / timings.len() as u32;
    println!("saves: {saves}, sequential, one client, {base}");
    println!("median_ms: {:.2}", percentile(0.5).as_secs_f64() * 1e3);
    println!("p99_ms: {:.2}", percentile(0.99).as_secs_f64() * 1e3);
    println!("mean_ms: {:.2}", mean.as_secs_f64() * 1e3);
    println!(
        "min_ms: {:.2}  max_ms: {:.2}",
        timings[0].as_secs_f64() * 1e3,
        timings[timings.len() - 1].as_secs_f64() * 1e3
    );
    Ok(())
}
