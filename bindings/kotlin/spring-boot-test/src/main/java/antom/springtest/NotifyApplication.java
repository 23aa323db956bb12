package antom.springtest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A merchant's Spring Boot application that receives Antom notifications (test only). */
@SpringBootApplication
public class NotifyApplication {
    /** Runs the application. */
    public static void main(String[] args) {
        SpringApplication.run(NotifyApplication.class, args);
    }
}
