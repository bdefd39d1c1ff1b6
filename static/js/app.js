// NHS.UK frontend components (header menu, skip link, etc.). Loaded as a
// module from our own static files so the Content Security Policy needs no
// inline script.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
