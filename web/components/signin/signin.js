// Sign-in form: email and password, errors said plainly, then back to where the user was.
import * as api from "../../api.js";
import { clear, template } from "../../dom.js";

export function renderSignIn(container, next) {
  const section = template("signin-template");
  const form = section.querySelector("form");
  const message = section.querySelector(".error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = form.email.value.trim();
    const password = form.password.value;
    if (!email || !password) {
      message.textContent = "Enter your email and password.";
      message.hidden = false;
      return;
    }
    const button = form.querySelector("button");
    button.disabled = true;
    button.textContent = "Signing in…";
    try {
      await api.signIn(email, password);
      window.dispatchEvent(new CustomEvent("signed-in", { detail: { next } }));
    } catch (error) {
      message.textContent = error.message;
      message.hidden = false;
      button.disabled = false;
      button.textContent = "Sign in";
    }
  });
  clear(container, section);
  document.title = "Sign in · Throughline";
  form.email.focus();
}
