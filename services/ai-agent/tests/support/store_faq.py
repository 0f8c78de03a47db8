"""A fictional store's FAQ (Loja Girassol), in Portuguese and English, and questions a
customer would ask about each pair in their own words (none copied from the FAQ)."""

from __future__ import annotations

__all__ = ["FAQ", "QUESTIONS_EN", "QUESTIONS_PT"]

FAQ: list[tuple[str, str]] = [
    # 0
    (
        "Qual é o prazo de entrega?",
        "Entregamos em 2 a 5 dias úteis nas capitais e em até 10 dias úteis no interior.",
    ),
    # 1
    (
        "Quanto custa o frete?",
        "O frete é grátis em compras acima de R$ 199; abaixo disso é calculado pelo CEP.",
    ),
    # 2
    (
        "Como faço para trocar ou devolver um produto?",
        "Você tem 7 dias após o recebimento para devolver. Solicite a troca pelo site e"
        " enviamos uma etiqueta de postagem sem custo.",
    ),
    # 3
    (
        "Quais formas de pagamento vocês aceitam?",
        "Aceitamos Pix, boleto bancário e cartões de crédito Visa, Mastercard e Elo.",
    ),
    # 4
    (
        "Posso parcelar minha compra?",
        "Sim, em até 10 vezes sem juros no cartão de crédito, com parcela mínima de R$ 30.",
    ),
    # 5
    (
        "Qual o horário de funcionamento da loja física?",
        "A loja abre de segunda a sexta das 9h às 19h e aos sábados das 9h às 14h.",
    ),
    # 6
    (
        "Os produtos têm garantia?",
        "Todos os eletrônicos têm garantia de 12 meses contra defeitos de fabricação.",
    ),
    # 7
    (
        "Como rastrear meu pedido?",
        "Você recebe o código de rastreio por e-mail assim que o pedido é despachado.",
    ),
    # 8
    (
        "Onde fica a loja?",
        "Estamos na Rua das Flores, 120, Centro, Belo Horizonte, perto da Praça Sete.",
    ),
    # 9
    (
        "Vocês emitem nota fiscal?",
        "Sim, a nota fiscal eletrônica segue junto com o pedido e também por e-mail.",
    ),
    # 10
    (
        "What is your shipping time to other countries?",
        "International orders arrive in 15 to 30 business days, depending on customs.",
    ),
    # 11
    (
        "How do I return an item?",
        "Returns are accepted within 7 days of delivery; start the request on our website"
        " and we email you a prepaid label.",
    ),
    # 12
    (
        "Which payment methods do you accept?",
        "We take credit cards (Visa, Mastercard, Amex), PayPal and bank transfers.",
    ),
    # 13
    (
        "What are your opening hours?",
        "Our store is open Monday to Friday from 9 am to 7 pm, and Saturdays until 2 pm.",
    ),
    # 14
    (
        "Do your products come with a warranty?",
        "Electronics carry a 12-month warranty covering manufacturing defects.",
    ),
    # 15
    (
        "Can I change my delivery address after ordering?",
        "Yes, as long as the order has not shipped: reply to the confirmation email.",
    ),
    # 16
    (
        "Do you have gift cards?",
        "Gift cards from $20 to $500 are sold online and never expire.",
    ),
    # 17
    (
        "Como cancelar um pedido?",
        "Pedidos podem ser cancelados sem custo até o despacho, pelo chat ou pelo site.",
    ),
    # 18
    (
        "Vocês têm programa de fidelidade?",
        "Cada R$ 1 gasto vira 1 ponto no Clube Girassol; 500 pontos valem R$ 25 de desconto.",
    ),
    # 19
    (
        "Do you offer discounts for students?",
        "Students get 10% off with a valid student ID, in store and online.",
    ),
]

QUESTIONS_PT: list[tuple[str, int]] = [
    ("em quantos dias chega minha encomenda?", 0),
    ("vou pagar pelo envio?", 1),
    ("o produto veio com defeito, quero mandar de volta", 2),
    ("dá pra pagar com pix?", 3),
    ("consigo dividir o pagamento em parcelas sem juros?", 4),
    ("que horas vocês abrem no sábado?", 5),
    ("se o aparelho estragar, tem cobertura por quanto tempo?", 6),
    ("quero acompanhar onde está a minha compra", 7),
    ("qual o endereço de vocês?", 8),
    ("preciso da nota da compra para minha empresa", 9),
    ("desisti da compra, como anulo o pedido?", 17),
    ("como funcionam os pontos de fidelidade?", 18),
]

QUESTIONS_EN: list[tuple[str, int]] = [
    ("how long does delivery abroad take?", 10),
    ("I want to send back something I bought", 11),
    ("can I pay with paypal?", 12),
    ("when is the shop open?", 13),
    ("is there a guarantee if my device breaks?", 14),
    ("I moved, can the package go to my new address?", 15),
    ("I'd like to buy a present voucher for a friend", 16),
    ("is there a reduced price for university students?", 19),
    ("what cards can I use to pay?", 12),
    ("do you ship to other countries and how long does it take?", 10),
]
