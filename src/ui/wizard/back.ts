/** What a test enqueues to press Back (only accepted where Back is offered). Alone, so in-host suites import it without the cloud layer. */
export const BACK = '$(arrow-left) Back';
