"""The sandbox's default number, as the tests address it."""

PHONE_NUMBER_ID = "100000000000001"
WABA_ID = "200000000000001"
ACCESS_TOKEN = "sandbox-access-token"
APP_SECRET = "sandbox-app-secret"
GRAPH_VERSION = "v23.0"
CUSTOMER = "+5511987654321"
CUSTOMER_WA_ID = "5511987654321"


def text_send(to: str = CUSTOMER, body: str = "Olá!", **more: object) -> dict[str, object]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"body": body},
        **more,
    }
